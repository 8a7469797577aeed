/* The phone app's service worker (scope {{ shell }}), version {{ version }}.
   - Install: caches the app shell and its assets; the version changes with any of them, so phones update.
   - Pages: the shell from the network when it answers within a few seconds (a new version, another language),
     else from the cache, so that {{ shell }} opens with no network at all. Assets: cache first.
   - API calls are never cached here: the app keeps what it needs in IndexedDB.
   - Background Sync: sends the outbox (static/mobile/outbox.js) even after the page was closed. */
"use strict";
var VERSION = "{{ version }}";
var CACHE = "river-m-" + VERSION;
var SHELL = "{{ shell }}";
var ASSETS = {{ assets|safe }};
importScripts.apply(self, {{ imports|safe }});

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll([SHELL].concat(ASSETS));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("river-m-") === 0 && name !== CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function shellFromNetwork(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(SHELL, copy); });
    }
    return response;
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === SHELL) {
    event.respondWith(new Promise(function (resolve) {
      var settled = false;
      function fromCache() {
        return caches.match(SHELL).then(function (cached) { return cached; });
      }
      // One bar of signal: do not keep the patroller waiting for the network more than a few seconds.
      var timer = setTimeout(function () {
        fromCache().then(function (cached) {
          if (cached && !settled) { settled = true; resolve(cached); }
        });
      }, 3500);
      shellFromNetwork(request).then(function (response) {
        clearTimeout(timer);
        if (!settled) { settled = true; resolve(response); }
      }, function () {
        clearTimeout(timer);
        fromCache().then(function (cached) {
          if (!settled) { settled = true; resolve(cached || Response.error()); }
        });
      });
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (cached) {
      return cached || fetch(request);
    }));
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then(function (pages) {
    pages.forEach(function (page) { page.postMessage({ type: "outbox-changed" }); });
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== RiverOutbox.SYNC_TAG) return;
  // No language given: the one the patroller chose in the app (kept by the page in IndexedDB), not the phone's.
  event.waitUntil(RiverOutbox.flush({ api: "/api/v1/", onChange: tellPages }).then(function (result) {
    // Rejecting asks the browser to try again later (still offline, or the server unreachable).
    if (result && result.retry) throw new Error("outbox not sent yet");
  }));
});

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "flush") {
    event.waitUntil(RiverOutbox.flush({ api: "/api/v1/", language: event.data.language, onChange: tellPages }));
  }
});
