/** One or more WebSocket endpoints, in the order to try them. */
export type ServerUrls = readonly [string, ...string[]];

/**
 * The WebSocket endpoints of a `serverUrl` option, as a list: one URL, or
 * several instances of one Tandem deployment in the order to try them.
 * Trailing slashes are dropped, as y-websocket drops them. Throws a
 * `RangeError` naming the problem for an empty list or anything that is not a
 * ws:// or wss:// URL (the option also comes from plain JavaScript).
 *
 * @example
 * readServerUrls('wss://docs.example.com/ws') // ['wss://docs.example.com/ws']
 * readServerUrls(['wss://a.example.com/ws/', 'wss://b.example.com/ws']) // ['wss://a.example.com/ws', 'wss://b.example.com/ws']
 * readServerUrls([]) // throws RangeError
 */
export function readServerUrls(serverUrl: string | readonly string[]): ServerUrls {
  const urls: readonly unknown[] = typeof serverUrl === 'string' ? [serverUrl] : Array.isArray(serverUrl) ? serverUrl : [];
  const [first, ...rest] = urls;
  if (first === undefined) {
    throw new RangeError(`serverUrl needs a ws:// or wss:// URL, or a non-empty list of them; got ${JSON.stringify(serverUrl)}`);
  }
  return [requireWebSocketUrl(first), ...rest.map(requireWebSocketUrl)];
}

function requireWebSocketUrl(url: unknown): string {
  if (typeof url !== 'string' || !isWebSocketUrl(url)) {
    throw new RangeError(`serverUrl ${JSON.stringify(url)} is not a ws:// or wss:// URL, e.g. wss://docs.example.com/ws`);
  }
  return url.replace(/\/+$/, '');
}

function isWebSocketUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    if (error instanceof TypeError) return false;
    throw error;
  }
  return parsed.protocol === 'ws:' || parsed.protocol === 'wss:';
}
