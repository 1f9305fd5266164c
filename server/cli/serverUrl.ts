/**
 * The URL a server listening on `host:port` is reached at (IPv6 addresses in brackets).
 *
 * @example
 * serverUrl('::1', 1234, false) // 'http://[::1]:1234'
 */
export function serverUrl(host: string, port: number | string, tls: boolean): string {
  return `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
