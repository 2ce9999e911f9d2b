// The application's service worker. It keeps the styles and scripts and the
// pages an operator has opened, so that without a connection a page comes
// from the phone instead of the browser's error page (a page never opened
// gets the application's own offline page). A save cut off on its way is
// kept on the phone (IndexedDB, the same queue the page's script sends
// from) and the browser is led back to the form, which says so. The API is
// never answered from the phone.
'use strict';
var CACHE = 'p2ham-1';
var SCOPE = self.registration.scope; // ends with '/'
var SHELL = ['app.css', 'app.js', 'upload.js', 'offline.js', 'offline'];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) {
    return c.addAll(SHELL.map(function (p) { return new Request(SCOPE + p, { credentials: 'same-origin' }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches['delete'](k); }));
  }).then(function () { return self.clients.claim(); }));
});

function queue(entry) {
  return new Promise(function (resolve, reject) {
    var req = indexedDB.open('p2ham-offline', 1);
    req.onupgradeneeded = function () {
      req.result.createObjectStore('queue', { keyPath: 'id', autoIncrement: true });
      req.result.createObjectStore('typed', { keyPath: 'url' });
    };
    req.onerror = function () { reject(req.error); };
    req.onsuccess = function () {
      var tx = req.result.transaction('queue', 'readwrite');
      tx.objectStore('queue').add(entry);
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
    };
  });
}

function offlinePage() {
  return caches.match(SCOPE + 'offline').then(function (r) {
    return r || new Response('<!DOCTYPE html><title>Offline</title><p>Tidak ada sambungan. / No connection.</p>',
      { status: 503, headers: { 'Content-Type': 'text/html; charset=utf-8' } });
  });
}

// A page: from the network (and kept), else the copy kept, else the offline page.
function page(request) {
  return fetch(request).then(function (r) {
    var type = r.headers.get('Content-Type') || '';
    if (r.ok && r.type === 'basic' && type.indexOf('text/html') === 0) {
      var copy = r.clone();
      var key = new URL(r.url || request.url);
      key.search = '';
      caches.open(CACHE).then(function (c) { return c.put(key.href, copy); });
    }
    return r;
  }, function () {
    var key = new URL(request.url);
    key.search = '';
    return caches.match(key.href).then(function (r) { return r || offlinePage(); });
  });
}

// A form posted by the page: sent; when the connection fails, a save is kept to be sent later.
function posted(event) {
  var request = event.request;
  var copy = request.clone();
  return fetch(request).catch(function () {
    var url = new URL(request.url);
    if (!/\/save$/.test(url.pathname)) return offlinePage();
    return copy.arrayBuffer().then(function (body) {
      return queue({ url: request.url, page: request.referrer, time: Date.now(),
        contentType: request.headers.get('Content-Type'), body: body });
    }).then(function () {
      var back = request.referrer && request.referrer.indexOf(SCOPE) === 0 ? request.referrer : request.url.replace(/\/save$/, '');
      return Response.redirect(back, 303);
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.url.indexOf(SCOPE) !== 0) return;
  var path = new URL(request.url).pathname;
  if (path.indexOf('/api/') !== -1) return;
  if (request.mode === 'navigate' && request.method === 'POST') {
    if (/\/logout$/.test(path)) {
      // Nothing of the session stays on a shared phone.
      event.respondWith(caches['delete'](CACHE).then(function () { return fetch(request); }));
      return;
    }
    event.respondWith(posted(event));
    return;
  }
  if (request.method !== 'GET') return;
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
    return;
  }
  var name = path.slice(path.lastIndexOf('/') + 1);
  if (SHELL.indexOf(name) !== -1) {
    // Styles and scripts: the copy kept at once, refreshed behind.
    event.respondWith(caches.open(CACHE).then(function (c) {
      return c.match(request).then(function (hit) {
        var fresh = fetch(request).then(function (r) { if (r.ok) c.put(request, r.clone()); return r; },
          function () { return hit || Response.error(); });
        return hit || fresh;
      });
    }));
  }
});
