// Mitra's service worker: the app shell (page, script, wasm, styles, icons) and the last loaded
// figures stay available offline.
//
// - Pages and app files: network first, so a new build is picked up at once; the cached copy
//   when the network fails. Hashed files (named by their content) never change.
// - The signed-in data (`/api/me`, a partner's dashboard bundle, leaderboards): network first;
//   offline, the last answer is served with an `X-Mitra-Offline-As-Of` header naming when it was
//   fetched, so the app can say "offline, as of …". Signing out deletes the data cache.
// - Everything else (writes, other API calls, the designer's app) goes to the network untouched.
const SHELL = 'mitra-shell-v1';
const DATA = 'mitra-data-v1';

// The page, every file it links (the hashed script, wasm, styles and the pages' loader), and
// the pieces of wasm that loader fetches when a page is first opened (named in it as
// `new URL("./….wasm", import.meta.url)`), so every page opens offline, not only those visited.
async function cacheShell() {
  const cache = await caches.open(SHELL);
  const page = await fetch('/', { cache: 'no-cache' });
  const html = await page.clone().text();
  await cache.put('/', page);
  const linked = [...new Set([...html.matchAll(/(?:href|src)="(\/[^"]+\.(?:js|wasm|css|svg|webmanifest))"/g)].map((m) => m[1]))];
  await cache.addAll(linked);
  const pieces = [];
  for (const script of linked.filter((path) => path.endsWith('.js'))) {
    const text = await (await cache.match(script)).text();
    for (const m of text.matchAll(/new URL\("\.\/([^"]+\.wasm)", import\.meta\.url\)/g)) pieces.push(`/${m[1]}`);
  }
  await cache.addAll([...new Set(pieces)]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell());
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

function isData(url) {
  return url.pathname === '/api/me'
    || /^\/api\/partners\/[^/]+\/dashboard$/.test(url.pathname)
    || /^\/api\/programs\/[^/]+\/leaderboards$/.test(url.pathname);
}

async function shell(request) {
  const cache = await caches.open(SHELL);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request.mode === 'navigate' ? '/' : request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request.mode === 'navigate' ? '/' : request);
    if (cached) return cached;
    throw err;
  }
}

// One copy per session: a digest of the session token is part of the key (the Cache API ignores
// fragments and headers when matching, so it goes in the query).
async function keyFor(request) {
  const token = new TextEncoder().encode(request.headers.get('Authorization') || '');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', token));
  const who = Array.from(digest.slice(0, 12), (b) => b.toString(16).padStart(2, '0')).join('');
  const url = new URL(request.url);
  url.searchParams.set('mitra-session', who);
  return url.toString();
}

async function data(request) {
  const cache = await caches.open(DATA);
  const key = await keyFor(request);
  try {
    const response = await fetch(request);
    if (response.ok) {
      const body = await response.clone().arrayBuffer();
      const headers = new Headers(response.headers);
      headers.set('X-Mitra-Offline-As-Of', new Date().toISOString());
      await cache.put(key, new Response(body, { status: 200, headers }));
    }
    return response;
  } catch (err) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  // The designer (/designer/) is another app, for desktops: never served from this cache.
  if (url.pathname === '/designer' || url.pathname.startsWith('/designer/')) return;
  if (url.pathname.startsWith('/api/')) {
    if (isData(url)) event.respondWith(data(request));
    return;
  }
  event.respondWith(shell(request));
});

self.addEventListener('message', (event) => {
  if (event.data === 'signed-out') event.waitUntil(caches.delete(DATA));
});
