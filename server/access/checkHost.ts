import { isIP } from 'node:net';

/**
 * Whether an open server (no access tokens) should answer a request for
 * `host` (the `Host` header). Against DNS rebinding: a page on
 * `evil.example` whose name is re-pointed at this server is same-origin with
 * it, so the Origin check passes; its `Host` header still says
 * `evil.example`. IP addresses and `localhost` cannot be rebound; other names
 * must be the server's `PUBLIC_URL`.
 */
export function checkHost(host: string | undefined, publicHost: string | null): boolean {
  if (host === undefined) return false;
  const hostname = hostnameOf(host);
  if (hostname === null) return false;
  if (isIP(hostname) !== 0 || hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  return publicHost !== null && hostname === publicHost;
}

function hostnameOf(host: string): string | null {
  try {
    // Brackets of IPv6 literals are dropped by the URL parser's `hostname` only for the hostname part.
    return new URL(`http://${host}`).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return null;
  }
}
