/**
 * Whether a page from `origin` may open a WebSocket here. Browsers always send
 * `Origin` on WebSocket upgrades and a page cannot forge it, so checking it
 * stops other sites from using a visitor's network position or cookies
 * (cross-site WebSocket hijacking). Clients that are not browsers send none
 * and are let through: tokens, not origins, are what keeps them out.
 *
 * @param allowed Origins from the configuration; empty means same origin only, `*` any.
 * @param host The request's `Host` header (what the browser connected to).
 */
export function checkOrigin(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false; // `null` (sandboxed iframes, file: pages) and garbage are not an origin we can trust
  }
}
