/**
 * The address of the server's HTTP fallback for a y-websocket URL:
 * `ws(s)://host/prefix/ws/<documentName>?query` becomes `http(s)://host/prefix/http/<documentName>?query`.
 * The query (`token`, `saved=1`) goes along on every request, as it does on the WebSocket.
 * `null` for a URL of another shape: that server has no HTTP fallback Tandem knows of.
 *
 * @example
 * httpBaseFor('wss://docs.example.com/ws/notes?token=abc')?.href; // 'https://docs.example.com/http/notes?token=abc'
 */
export function httpBaseFor(webSocketUrl: string): URL | null {
  let url: URL;
  try {
    url = new URL(webSocketUrl);
  } catch (error) {
    // Not a URL at all (y-websocket would fail on it too): nothing to fall back to.
    if (error instanceof TypeError) return null;
    throw error;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  const segments = url.pathname.split('/');
  if (segments.length < 3 || segments[segments.length - 2] !== 'ws' || segments[segments.length - 1] === '') return null;
  segments[segments.length - 2] = 'http';
  return new URL(`${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}${segments.join('/')}${url.search}`);
}

/**
 * A request URL under an HTTP fallback base: `path` segments appended (encoded), `query` added to the base's own.
 *
 * @example
 * httpRequestUrl(base, ['s1', 'poll'], { after: '3' }); // 'https://docs.example.com/http/notes/s1/poll?token=abc&after=3'
 */
export function httpRequestUrl(base: URL, path: readonly string[] = [], query: Record<string, string> = {}): string {
  const url = new URL(base);
  url.pathname = [url.pathname, ...path.map(encodeURIComponent)].join('/');
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url.href;
}
