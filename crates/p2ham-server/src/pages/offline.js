// The form without a connection. The answers are kept on the phone
// (IndexedDB) as they are typed; a save made while offline, or cut off on
// its way (the service worker catches it), waits on the phone and the page
// says so plainly; it is sent, with its idempotency key so that it is stored
// once, as soon as the connection returns. The service worker (sw.js) keeps
// the application's styles, scripts and the pages opened, so that no browser
// error page is shown for them.
(function () {
  'use strict';
  var me = document.currentScript && document.currentScript.src;
  var base = me ? me.replace(/\/offline\.js(\?.*)?$/, '') : '';
  if ('serviceWorker' in navigator && base) {
    navigator.serviceWorker.register(base + '/sw.js', { scope: base + '/' }).catch(function () {});
    // The page opened before the service worker took over is kept too.
    navigator.serviceWorker.ready.then(function () {
      if (!window.caches || navigator.onLine === false) return;
      var here = new URL(location.href);
      here.search = '';
      here.hash = '';
      return caches.open('p2ham-1').then(function (c) {
        return c.match(here.href).then(function (hit) { return hit || c.add(here.href); });
      });
    }).catch(function () {});
  }
  if (!window.indexedDB || !window.fetch) return;
  var english = document.documentElement.lang === 'en';
  function t(id, en) { return english ? en : id; }
  var banner = document.getElementById('offline-status');
  function show(text) {
    if (!banner) return;
    banner.hidden = false;
    banner.textContent = text;
  }
  function hide() { if (banner) { banner.hidden = true; banner.textContent = ''; } }
  var QUEUED = t('Tersimpan di perangkat, belum terkirim', 'Saved on this device, not sent yet');

  // ------------------------------------------------------------ IndexedDB
  var opened = null;
  function db() {
    if (!opened) {
      opened = new Promise(function (resolve, reject) {
        var req = indexedDB.open('p2ham-offline', 1);
        req.onupgradeneeded = function () {
          req.result.createObjectStore('queue', { keyPath: 'id', autoIncrement: true });
          req.result.createObjectStore('typed', { keyPath: 'url' });
        };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return opened;
  }
  function run(name, mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var tx = d.transaction(name, mode);
        var req = fn(tx.objectStore(name));
        tx.oncomplete = function () { resolve(req && req.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function queued(url) {
    return run('queue', 'readonly', function (s) { return s.getAll(); }).then(function (all) {
      return (all || []).filter(function (q) { return !url || q.url === url; });
    });
  }

  // ------------------------------------------------------------ the form's fields
  // The operator's form (its saves are queued) or the verifier's review form
  // (data-offline: what is typed is kept, but recording or returning asks to
  // confirm, so nothing of it is sent without the verifier).
  var form = document.querySelector('form[data-uploads], form[data-offline]');
  var keepOnly = form !== null && form.hasAttribute('data-offline');
  var action = form ? new URL(form.getAttribute('action'), location.href).href : null;
  function fields(submitter) {
    var body = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === 'string') body.append(name, value);
    });
    if (submitter && submitter.name) body.set(submitter.name, submitter.value);
    return body;
  }
  // Put saved values back into the form (radios, text areas).
  function fill(entries) {
    var seen = {};
    entries.forEach(function (pair) {
      var name = pair[0], value = pair[1];
      if (name === 'csrf_token' || name === 'idempotency_key' || name === 'action') return;
      seen[name] = true;
      var els = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        if (el.type === 'radio' || el.type === 'checkbox') el.checked = el.value === value;
        else if (el.type !== 'file') el.value = value;
      }
    });
    // A radio group absent from the saved fields was not answered.
    var radios = form.querySelectorAll('input[type=radio]');
    for (var i = 0; i < radios.length; i++) if (!seen[radios[i].name]) radios[i].checked = false;
    form.dispatchEvent(new Event('change', { bubbles: true }));
  }
  function parse(entry) {
    return new Response(entry.body, { headers: { 'Content-Type': entry.contentType } }).formData().then(function (fd) {
      var out = [];
      fd.forEach(function (v, k) { if (typeof v === 'string') out.push([k, v]); });
      return out;
    });
  }

  if (form && action) {
    var timer = null;
    var version = form.getAttribute('data-version') || '';
    function remember() {
      var entries = [];
      fields(null).forEach(function (v, k) { entries.push([k, v]); });
      run('typed', 'readwrite', function (s) {
        return s.put({ url: action, version: version, time: Date.now(), fields: entries });
      }).catch(function () {});
    }
    form.addEventListener('input', function () { window.clearTimeout(timer); timer = window.setTimeout(remember, 300); });
    form.addEventListener('change', function (e) {
      if (e.isTrusted) { window.clearTimeout(timer); timer = window.setTimeout(remember, 100); }
    });
    form.addEventListener('submit', function (e) {
      if (navigator.onLine !== false) {
        // Sent as usual; the service worker catches a cut and keeps it. The
        // page comes back with what was posted (stored, or shown again with
        // its problems), which is newer than the copy on the phone: that copy
        // is done with, and a later copy that missed the last keystrokes must
        // never be put back over the posted answers.
        window.clearTimeout(timer);
        run('typed', 'readwrite', function (s) { return s['delete'](action); }).catch(function () {});
        return;
      }
      e.preventDefault();
      if (keepOnly) {
        remember();
        show(t('Tidak ada sambungan. Jawaban tersimpan di perangkat ini, belum terkirim; tekan lagi saat sambungan kembali.',
          'No connection. The answers are kept on this device, not sent yet; press again when the connection returns.'));
        return;
      }
      var body = fields(e.submitter);
      run('queue', 'readwrite', function (s) {
        return s.add({ url: action, page: location.href, time: Date.now(),
          contentType: 'application/x-www-form-urlencoded;charset=UTF-8', body: body.toString() });
      }).then(function () { show(QUEUED); }, function () {
        show(t('Tidak ada sambungan; jawaban belum dapat disimpan di perangkat ini.', 'No connection; the answers could not be kept on this device.'));
      });
    });
    // What this phone holds for the form: a save not sent yet, else answers typed and not saved.
    queued(action).then(function (list) {
      if (list.length) {
        show(QUEUED);
        return parse(list[list.length - 1]).then(fill);
      }
      // A form shown again with its problems holds what was just posted: newer than any copy.
      if (document.getElementById('error-summary')) return null;
      return run('typed', 'readonly', function (s) { return s.get(action); }).then(function (typed) {
        if (typed && typed.version === version && typed.fields) {
          var now = [];
          fields(null).forEach(function (v, k) { if (k !== 'idempotency_key' && k !== 'csrf_token') now.push(k + '=' + v); });
          var then = typed.fields.filter(function (p) { return p[0] !== 'idempotency_key' && p[0] !== 'csrf_token'; })
            .map(function (p) { return p[0] + '=' + p[1]; });
          if (now.join('&') !== then.join('&')) {
            fill(typed.fields);
            show(t('Jawaban yang diketik di perangkat ini dipulihkan; belum disimpan.', 'Answers typed on this device were restored; not saved yet.'));
          }
        }
      });
    }).catch(function () {});
  }

  // ------------------------------------------------------------ sending what waits
  var sending = false;
  var retry = null;
  function flush() {
    if (sending || navigator.onLine === false) return;
    sending = true;
    queued(null).then(function (list) {
      if (!list.length) return null;
      var entry = list[0];
      show(t('Mengirim jawaban yang tersimpan di perangkat…', 'Sending the answers kept on this device…'));
      // Sent with this page's session token (the session may have been renewed by logging in again).
      var token = document.querySelector('input[name=csrf_token]');
      return parse(entry).then(function (pairs) {
        var body = new URLSearchParams();
        pairs.forEach(function (p) { body.append(p[0], p[0] === 'csrf_token' && token ? token.value : p[1]); });
        return fetch(entry.url, { method: 'POST', credentials: 'same-origin', body: body });
      }).then(function (r) {
        if (r.redirected && /\/login$/.test(new URL(r.url).pathname)) {
          // The session ended: kept on the phone until the operator logs in again.
          show(QUEUED + '. ' + t('Masuk lagi untuk mengirimnya.', 'Log in again to send it.'));
          return null;
        }
        return run('queue', 'readwrite', function (s) { return s['delete'](entry.id); }).then(function () {
          return run('typed', 'readwrite', function (s) { return s['delete'](entry.url); }).catch(function () {});
        }).then(function () {
          if (list.length > 1) { sending = false; return flush(); }
          if (r.redirected && r.ok) { location.assign(r.url); return null; }
          // Refused (the form's own checks): the page with its problems.
          return r.text().then(function (html) { document.open(); document.write(html); document.close(); });
        });
      });
    }).catch(function () {
      show(QUEUED);
      // The connection may come back without an `online` event (the phone was never offline,
      // the server was out of reach): try again in a while.
      window.clearTimeout(retry);
      retry = window.setTimeout(flush, 5000);
    }).then(function () { sending = false; });
  }
  window.addEventListener('online', function () { hide(); flush(); });
  window.addEventListener('offline', function () {
    if (form && keepOnly) show(t('Tidak ada sambungan. Jawaban yang diketik tersimpan di perangkat ini.',
      'No connection. The answers typed are kept on this device.'));
    else if (form) show(t('Tidak ada sambungan. Jawaban disimpan di perangkat ini dan dikirim saat sambungan kembali.',
      'No connection. The answers are kept on this device and sent when the connection returns.'));
  });
  flush();
})();
