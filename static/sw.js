// peerlink's service worker: keeps the app shell (index.html and the hashed
// .js/.wasm/.css Trunk builds, plus the icons and manifest) in Cache Storage
// so the app opens offline, and receives files from the OS share sheet (the
// manifest's share_target) into a cache the app takes them from
// (src/browser/pwa.rs). Signaling (WebSocket) and /turn, /healthz, /metrics
// never pass through it.
'use strict';

const SHELL = 'peerlink-shell-v1';
const SHARED = 'peerlink-shared-v1'; // keep in step with src/browser/pwa.rs
const NAME_HEADER = 'x-peerlink-name';
const ASSET = /\.(?:js|wasm|css|svg|png|webmanifest)$/;
// Trunk's content-hashed outputs: peerlink-<hash>.js, peerlink-<hash>_bg.wasm, style-<hash>.css.
const HASHED = /-[0-9a-f]{16}(?:_bg)?\.(?:js|wasm|css)$/;
const STATIC = ['manifest.webmanifest', 'icon.svg', 'icon-192.png', 'icon-512.png'];

const scopeUrl = () => self.registration.scope;
const resolve = (path) => new URL(path, scopeUrl()).href;

// The assets index.html names: its href/src attributes and the quoted
// .js/.wasm paths of Trunk's inline loader.
function assetsOf(html) {
  const found = new Set();
  for (const m of html.matchAll(/["']([^"'\s?#]+\.(?:js|wasm|css|svg|png|webmanifest))["']/g)) {
    found.add(resolve(m[1]));
  }
  return found;
}

// Stores a fresh index.html under the scope URL and drops hashed assets
// that it no longer names (an older build's).
async function keepShell(response) {
  const cache = await caches.open(SHELL);
  const html = await response.clone().text();
  await cache.put(scopeUrl(), response);
  const wanted = assetsOf(html);
  for (const request of await cache.keys()) {
    const path = new URL(request.url).pathname;
    // wasm-bindgen snippets (the hash worker) carry the build's hash in
    // their folder: an older build's are dropped too.
    if ((HASHED.test(path) || path.includes('/snippets/')) && !wanted.has(request.url)) {
      await cache.delete(request);
    }
  }
  return wanted;
}

async function precache() {
  const index = await fetch(scopeUrl(), { cache: 'no-cache' });
  if (!index.ok) return;
  const wanted = await keepShell(index);
  STATIC.forEach((path) => wanted.add(resolve(path)));
  const cache = await caches.open(SHELL);
  await Promise.all([...wanted].map(async (url) => {
    try {
      const response = await fetch(url, { cache: 'no-cache' });
      if (response.ok) await cache.put(url, response);
    } catch (err) {
      console.warn('peerlink sw: not cached', url, err);
    }
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().catch((err) => console.warn('peerlink sw: precache', err))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== SHELL && name !== SHARED && name.startsWith('peerlink-')) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The app's page: the network first (a new build shows at once), the
// cached shell when the network or the server is down.
async function page(request) {
  try {
    const response = await fetch(request);
    const html = (response.headers.get('content-type') || '').startsWith('text/html');
    if (response.ok && html) await keepShell(response.clone()).catch(() => {});
    return response;
  } catch (err) {
    const cached = await caches.match(scopeUrl(), { cacheName: SHELL });
    if (cached) return cached;
    throw err;
  }
}

// Assets: the cache first, filled on first use. Hashed names never change
// content; the others (icons, manifest) are refreshed in the background.
async function asset(request, event) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request);
  const refresh = () => fetch(request).then(async (response) => {
    if (response.ok) await cache.put(request, response.clone());
    return response;
  });
  if (!cached) return refresh();
  if (!HASHED.test(new URL(request.url).pathname)) event.waitUntil(refresh().catch(() => {}));
  return cached;
}

// Only the app's own page is served from the cache: other addresses on
// the server (/healthz, /metrics, …) go to the network as they are.
function isAppPage(url) {
  const scope = new URL(scopeUrl()).pathname;
  return url.pathname === scope || url.pathname === scope + 'index.html';
}

// The share target: keep the files, then open the app, which offers them
// in the call view.
// A share comes from the OS share sheet (no referrer) or the app itself;
// another site posting to it is refused. Only the latest share is kept,
// within MAX_SHARED_FILES and MAX_SHARED_BYTES, so it cannot fill storage.
const MAX_SHARED_FILES = 32;
const MAX_SHARED_BYTES = 512 * 1024 * 1024;

async function receiveShare(request) {
  try {
    if (request.referrer && new URL(request.referrer).origin !== self.location.origin) {
      return Response.redirect(resolve('./'), 303);
    }
    const form = await request.formData();
    let files = form.getAll('files').filter((f) => typeof f === 'object' && f && 'name' in f);
    files = files.slice(0, MAX_SHARED_FILES);
    let total = 0;
    files = files.filter((f) => (total += f.size) <= MAX_SHARED_BYTES);
    const cache = await caches.open(SHARED);
    for (const old of await cache.keys()) await cache.delete(old);
    const stamp = Date.now();
    await Promise.all(files.map((file, i) => cache.put(
      resolve(`__shared/${stamp}-${i}`),
      new Response(file, {
        headers: {
          'content-type': file.type || 'application/octet-stream',
          [NAME_HEADER]: encodeURIComponent(file.name),
        },
      }),
    )));
    return Response.redirect(resolve(`./?shared=${files.length}`), 303);
  } catch (err) {
    console.warn('peerlink sw: share target', err);
    return Response.redirect(resolve('./'), 303);
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.href === resolve('share-target')) {
    event.respondWith(receiveShare(request));
  } else if (request.method !== 'GET') {
    // Not ours.
  } else if (request.mode === 'navigate') {
    if (isAppPage(url)) event.respondWith(page(request));
  } else if (ASSET.test(url.pathname)) {
    event.respondWith(asset(request, event));
  }
});

// A notification the app showed through this worker (where the page cannot
// make one, as on Android): a click brings the app's window back.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const app = windows.find((client) => client.url.startsWith(scopeUrl()));
    if (app) return app.focus();
    return self.clients.openWindow(scopeUrl());
  })());
});
