/* Gebrak Banjar: the trip plan offline (served at {{ scope }}sw.js, so it controls {{ scope }} only).
   Kept on the phone, for {{ max_age_days }} days after they were last fetched:
   - the plan pages under {{ scope }} (the visitor's own and shared links): network first, the last copy
     when there is no network;
   - what those pages show: pictures, CSS, JavaScript and fonts, cache first, at most {{ max_entries }} of them.
   Nothing else of the site, and never a form's answer (only GET is kept). */
"use strict";
var CACHE = "gebrak-trip-v1";
var MAX_AGE = {{ max_age_days }} * 24 * 3600 * 1000;
var MAX_ENTRIES = {{ max_entries }};
var SCOPE = "{{ scope }}";

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("gebrak-trip-") === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(prune).then(function () { return self.clients.claim(); }));
});

function stamped(response) {
  var headers = new Headers(response.headers);
  headers.set("X-Trip-Cached-At", String(Date.now()));
  return response.blob().then(function (body) {
    return new Response(body, {status: response.status, statusText: response.statusText, headers: headers});
  });
}

function fresh(response) {
  var at = parseInt(response.headers.get("X-Trip-Cached-At") || "0", 10);
  return Date.now() - at < MAX_AGE;
}

function prune() {
  return caches.open(CACHE).then(function (cache) {
    return cache.keys().then(function (requests) {
      return Promise.all(requests.map(function (request) {
        return cache.match(request).then(function (response) {
          if (!response || !fresh(response)) return cache.delete(request);
        });
      })).then(function () {
        return cache.keys().then(function (left) {
          var pages = left.filter(function (r) { return new URL(r.url).pathname.indexOf(SCOPE) === 0; });
          var others = left.filter(function (r) { return pages.indexOf(r) < 0; });
          return Promise.all(others.slice(0, Math.max(0, others.length - MAX_ENTRIES)).map(function (r) { return cache.delete(r); }));
        });
      });
    });
  });
}

function keep(request, response) {
  if (!response || !(response.ok || response.type === "opaque")) return response;
  var copy = response.clone();
  if (response.type !== "opaque") {
    stamped(copy).then(function (toStore) { caches.open(CACHE).then(function (cache) { cache.put(request, toStore); }); });
  }
  return response;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (request.mode === "navigate") {
    if (url.origin !== self.location.origin || url.pathname.indexOf(SCOPE) !== 0) return;
    event.respondWith(fetch(request).then(function (response) { return keep(request, response); })
      .catch(function () {
        return caches.match(request).then(function (cached) { return cached || caches.match(SCOPE); });
      }));
    return;
  }
  if (["image", "style", "script", "font"].indexOf(request.destination) < 0) return;
  event.respondWith(caches.match(request).then(function (cached) {
    if (cached && fresh(cached)) return cached;
    return fetch(request).then(function (response) { return keep(request, response); })
      .catch(function () { return cached || Response.error(); });
  }));
});
