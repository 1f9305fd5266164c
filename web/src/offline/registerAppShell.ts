/**
 * Installs the app-shell service worker (`/sw.js`), so the pages load while
 * the server is unreachable. Without service workers (old browsers, plain
 * http on a non-local host) the app works as before, online only.
 */
export function registerAppShell(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => {
    console.warn('Tandem: offline page loading is unavailable', error);
  });
}
