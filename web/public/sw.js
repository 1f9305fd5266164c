// Tandem's app shell. Lets the document list and the editor page load while
// the server is unreachable, so the copy of a document kept in this browser
// (IndexedDB) can be read and edited offline and synced when the server is
// back. Pages are fetched from the network first and fall back to the cached
// copy; assets have content-hashed names and are served from the cache.

const CACHE = 'tandem-shell-v1';
/** Every /d/<name> page is the same HTML: it is cached once under this key. */
const DOCUMENT_PAGE_KEY = '/d/';
const SHELL = [
  { key: '/', url: '/' },
  { key: DOCUMENT_PAGE_KEY, url: '/d/offline-shell' },
];

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === 'navigate' && (url.pathname === '/' || url.pathname.startsWith('/d/'))) {
    event.respondWith(networkFirst(request, url.pathname === '/' ? '/' : DOCUMENT_PAGE_KEY));
  }
});

async function precache() {
  const cache = await caches.open(CACHE);
  for (const { key, url } of SHELL) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(`Tandem offline shell: ${url} answered ${response.status}`);
    const html = await response.clone().text();
    await cache.put(key, response);
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
    await cache.addAll(assets);
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request, key) {
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await caches.match(key);
    if (cached) return cached;
    throw error;
  }
  // Only a good page becomes the offline copy (a bad document name answers 400). Failing to
  // store it (quota) must not replace the fresh answer with an old one.
  if (response.ok) {
    try {
      const cache = await caches.open(CACHE);
      await cache.put(key, response.clone());
    } catch (error) {
      console.warn('Tandem: could not keep this page for offline use', error);
    }
  }
  return response;
}
