// Evidence uploads on the self-assessment form, for a phone on a weak signal.
// Each chosen file is sent on its own as soon as it is chosen, with a
// progress bar, by the tus 1.0 protocol (/api/v1/uploads): a dropped
// connection continues from the last byte the server kept. A camera photo is
// first made smaller on the phone (long side 1,600 px, JPEG, turned upright;
// this also drops its EXIF data, the location among it). A file not sent yet
// is kept on the phone (IndexedDB) and sent when the connection returns.
// Without this script the files go with the form's save, as before.
(function () {
  'use strict';
  var form = document.querySelector('form[data-uploads]');
  if (!form || !window.fetch || !window.XMLHttpRequest || !window.Blob) return;
  // On the verifier's review form (data-offline) a stored photo is carried
  // by the form as a `kept.{indicator}` field ("{sha256} {path}") until the
  // verification is recorded, as the server does for photos posted with it.
  var review = form.hasAttribute('data-offline');
  function carry(indicator, sha256, path) {
    var name = 'kept.' + indicator;
    var value = sha256 + ' ' + path;
    var here = form.querySelectorAll('input[type=hidden]');
    for (var i = 0; i < here.length; i++) if (here[i].name === name && here[i].value === value) return;
    var input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
    form.dispatchEvent(new Event('input', { bubbles: true }));
  }
  var endpoint = form.getAttribute('data-uploads');
  var period = form.getAttribute('data-period');
  var unit = form.getAttribute('data-unit');
  var csrfInput = form.querySelector('input[name=csrf_token]');
  var csrf = csrfInput ? csrfInput.value : '';
  var english = document.documentElement.lang === 'en';
  function t(id, en) { return english ? en : id; }
  var CHUNK = 256 * 1024;
  var LONG_SIDE = 1600;
  var SMALL = 600 * 1024;

  // ------------------------------------------------------------ kept on the phone
  var dbOpen = null;
  function db() {
    if (!window.indexedDB) return Promise.reject(new Error('no IndexedDB'));
    if (!dbOpen) {
      dbOpen = new Promise(function (resolve, reject) {
        var req = indexedDB.open('p2ham-uploads', 1);
        req.onupgradeneeded = function () { req.result.createObjectStore('files', { keyPath: 'key' }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbOpen;
  }
  function store(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction('files', mode);
        var out = fn(tx.objectStore('files'));
        tx.oncomplete = function () { resolve(out && out.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function keep(item) {
    return store('readwrite', function (s) {
      return s.put({ key: item.key, period: period, unit: unit, indicator: item.indicator,
        name: item.name, blob: item.blob, url: item.url || null });
    }).catch(function () {});
  }
  function forget(item) {
    return store('readwrite', function (s) { return s['delete'](item.key); }).catch(function () {});
  }
  function kept() {
    return store('readonly', function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (x) { return x.period === period && x.unit === unit; });
    }).catch(function () { return []; });
  }

  // ------------------------------------------------------------ shrinking a photo
  function shrink(file) {
    var photo = /^image\/(jpeg|png|webp|heic|heif)$/.test(file.type) || /\.(heic|heif)$/i.test(file.name);
    if (!photo || !window.createImageBitmap) return Promise.resolve({ blob: file, name: file.name });
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (bitmap) {
      var w = bitmap.width, h = bitmap.height;
      var scale = Math.min(1, LONG_SIDE / Math.max(w, h));
      if (scale === 1 && file.size <= SMALL && /^image\/(jpeg|png)$/.test(file.type)) {
        bitmap.close && bitmap.close();
        return { blob: file, name: file.name };
      }
      var canvas = document.createElement('canvas');
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close && bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          var name = file.name.replace(/\.[^.]*$/, '') + '.jpg';
          resolve(blob ? { blob: blob, name: name } : { blob: file, name: file.name });
        }, 'image/jpeg', 0.82);
      });
    }).catch(function () {
      // Not decodable here (HEIC on most browsers): sent as it is; the server says if it is refused.
      return { blob: file, name: file.name };
    });
  }

  // ------------------------------------------------------------ the list at the indicator
  function listOf(indicator) {
    var set = form.querySelectorAll('fieldset.evidence[data-indicator]');
    for (var i = 0; i < set.length; i++) {
      if (set[i].getAttribute('data-indicator') === indicator) return set[i].querySelector('ul.uploads');
    }
    return null;
  }
  function row(item) {
    var ul = listOf(item.indicator);
    if (!ul) return;
    var li = document.createElement('li');
    li.className = 'upload';
    var name = document.createElement('span');
    name.className = 'upload-name';
    name.textContent = item.name;
    var bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute('aria-label', t('Unggahan ', 'Upload of ') + item.name);
    var state = document.createElement('span');
    state.className = 'upload-state';
    li.appendChild(name);
    li.appendChild(bar);
    li.appendChild(state);
    ul.appendChild(li);
    item.li = li;
    item.bar = bar;
    item.state = state;
  }
  function say(item, text, kind) {
    if (!item.state) return;
    item.state.textContent = text;
    item.li.className = 'upload' + (kind ? ' ' + kind : '');
  }
  function progress(item, sent) {
    if (!item.bar) return;
    var size = item.blob.size || 1;
    item.bar.value = Math.min(100, Math.round((sent / size) * 100));
    item.bar.textContent = item.bar.value + '%';
  }

  // ------------------------------------------------------------ tus 1.0
  function b64(s) { return btoa(unescape(encodeURIComponent(s))); }
  function headers(extra) {
    var h = { 'Tus-Resumable': '1.0.0', 'X-CSRF-Token': csrf };
    for (var k in extra) h[k] = extra[k];
    return h;
  }
  function refusal(r) {
    return r.json().then(function (b) { return b.message || ('HTTP ' + r.status); },
      function () { return 'HTTP ' + r.status; });
  }
  function Refused(message) { this.message = message; this.refused = true; }

  function create(item) {
    var meta = [['period', period], ['unit', unit], ['indicator', item.indicator], ['filename', item.name],
      ['filetype', item.blob.type || '']].map(function (p) { return p[0] + ' ' + b64(p[1]); }).join(',');
    return fetch(endpoint, {
      method: 'POST', credentials: 'same-origin',
      headers: headers({ 'Upload-Length': String(item.blob.size), 'Upload-Metadata': meta })
    }).then(function (r) {
      if (r.status === 201) return r.headers.get('Location');
      return refusal(r).then(function (m) { throw new Refused(m); });
    });
  }
  function offsetOf(item) {
    return fetch(item.url, { method: 'HEAD', credentials: 'same-origin', headers: headers({}) }).then(function (r) {
      if (r.status === 404) return -1;
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return parseInt(r.headers.get('Upload-Offset'), 10);
    });
  }
  function patch(item, offset) {
    return new Promise(function (resolve, reject) {
      var end = Math.min(item.blob.size, offset + CHUNK);
      var xhr = new XMLHttpRequest();
      xhr.open('PATCH', item.url);
      var h = headers({ 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' });
      for (var k in h) xhr.setRequestHeader(k, h[k]);
      xhr.upload.onprogress = function (e) { progress(item, offset + e.loaded); };
      xhr.onload = function () {
        if (xhr.status === 204) return resolve(parseInt(xhr.getResponseHeader('Upload-Offset'), 10));
        var m;
        try { m = JSON.parse(xhr.responseText).message; } catch (e) { m = 'HTTP ' + xhr.status; }
        if (xhr.status === 409) return resolve(null); // ask where the server stands
        reject(new Refused(m));
      };
      xhr.onerror = xhr.ontimeout = xhr.onabort = function () { reject(new Error('network')); };
      xhr.send(item.blob.slice(offset, end));
    });
  }
  function done(item) {
    return fetch(item.url, { credentials: 'same-origin' }).then(function (r) { return r.ok ? r.json() : {}; })
      .catch(function () { return {}; }).then(function (info) {
        progress(item, item.blob.size);
        if (review && info.sha256) {
          carry(item.indicator, info.sha256, info.path);
          say(item, t('tersimpan; dicatat bersama verifikasi', 'stored; recorded with the verification'), 'ok');
        } else {
          say(item, info.attached ? t('tersimpan sebagai bukti', 'stored as evidence')
            : t('terunggah; disertakan saat jawabannya disimpan', 'uploaded; goes with the answer when it is saved'), 'ok');
        }
        forget(item);
        active -= 1;
        changed();
      });
  }
  function wait(ms) { return new Promise(function (r) { window.setTimeout(r, ms); }); }
  function online() {
    if (navigator.onLine !== false) return Promise.resolve();
    return new Promise(function (r) { window.addEventListener('online', function once() { window.removeEventListener('online', once); r(); }); });
  }
  // Send an item to the end, through any number of broken connections.
  function send(item, tries) {
    tries = tries || 0;
    var step = item.url ? offsetOf(item) : create(item).then(function (url) { item.url = url; keep(item); return 0; });
    return step.then(function (offset) {
      if (offset < 0) { item.url = null; return send(item, tries + 1); }
      if (offset >= item.blob.size) return done(item);
      progress(item, offset);
      say(item, t('mengunggah…', 'uploading…'));
      return patch(item, offset).then(function (next) {
        // 409: the server stands elsewhere (or is still finishing a request cut off): ask again shortly.
        return next === null ? wait(1000).then(function () { return send(item, tries + 1); }) : send(item, 0);
      });
    }).catch(function (e) {
      if (e && e.refused) {
        say(item, e.message, 'failed');
        forget(item);
        active -= 1;
        changed();
        return;
      }
      say(item, navigator.onLine === false ? t('Tersimpan di perangkat, belum terkirim', 'Saved on this device, not sent yet')
        : t('sambungan terputus; mencoba lagi…', 'connection lost; trying again…'), 'waiting');
      return online().then(function () { return wait(Math.min(30000, 1000 * Math.pow(2, Math.min(tries, 5)))); })
        .then(function () { return send(item, tries + 1); });
    });
  }

  // How many files are on their way (the offline script reads it).
  var active = 0;
  function changed() {
    form.setAttribute('data-uploading', String(active));
    form.dispatchEvent(new CustomEvent('p2ham-uploads', { detail: { active: active } }));
  }
  function start(item, counted) {
    if (!counted) {
      active += 1;
      changed();
    }
    row(item);
    return send(item);
  }

  form.addEventListener('change', function (e) {
    var input = e.target;
    if (!input || input.type !== 'file' || !input.files || !input.files.length) return;
    var fieldset = input.closest('fieldset.evidence[data-indicator]');
    if (!fieldset) return;
    var indicator = fieldset.getAttribute('data-indicator');
    var files = Array.prototype.slice.call(input.files);
    // Sent on their own: the form's save does not carry them again.
    input.value = '';
    files.forEach(function (file) {
      // Counted at once: a save waits for the photo being made smaller, too.
      active += 1;
      changed();
      shrink(file).then(function (s) {
        var item = { key: Date.now() + '-' + Math.random().toString(36).slice(2), indicator: indicator,
          name: s.name, blob: s.blob, url: null };
        keep(item);
        start(item, true);
      });
    });
  });

  // A save waits for the files on their way (leaving the page would cut them off);
  // without a connection the offline script keeps the save on the phone instead.
  var holding = false;
  var held = null;
  form.addEventListener('submit', function (e) {
    if (active <= 0 || navigator.onLine === false) return;
    e.preventDefault();
    holding = true;
    held = e.submitter || null;
    var status = document.getElementById('offline-status');
    if (status) {
      status.hidden = false;
      status.textContent = t('Menunggu unggahan selesai, lalu draf disimpan…', 'Waiting for the uploads to finish, then the draft is saved…');
    }
  });
  function release() {
    if (active > 0 || !holding) return;
    var submitter = held;
    holding = false;
    held = null;
    var status = document.getElementById('offline-status');
    if (status) { status.hidden = true; status.textContent = ''; }
    if (form.requestSubmit) form.requestSubmit(submitter || undefined); else form.submit();
  }
  form.addEventListener('p2ham-uploads', release);

  // Files chosen earlier on this phone and not sent yet: on their way again.
  kept().then(function (items) { items.forEach(function (item) { start(item, false); }); });

  // Complete uploads the draft does not name yet (their indicators unanswered).
  fetch(endpoint + '?period=' + encodeURIComponent(period) + '&unit=' + encodeURIComponent(unit), { credentials: 'same-origin' })
    .then(function (r) { return r.ok ? r.json() : []; })
    .then(function (list) {
      list.forEach(function (u) {
        if (!u.sha256 || u.attached) return;
        var item = { indicator: u.indicator, name: u.path.split('/').pop(), blob: { size: 1 } };
        if (review) {
          // Already carried when the page shows it (posted with the form).
          var shown = form.querySelector('input[type=hidden][name="kept.' + u.indicator.replace(/"/g, '') + '"][value="' + u.sha256 + ' ' + u.path.replace(/"/g, '') + '"]');
          if (shown) return;
          carry(u.indicator, u.sha256, u.path);
        }
        row(item);
        progress(item, 1);
        say(item, review ? t('tersimpan; dicatat bersama verifikasi', 'stored; recorded with the verification')
          : t('terunggah; disertakan saat jawabannya disimpan', 'uploaded; goes with the answer when it is saved'), 'ok');
      });
    }).catch(function () {});
})();
