/**
 * The WebSocket endpoint (`/ws`) of the Tandem server whose pages are served
 * from `serverOrigin`, with the matching scheme: `https` pages talk `wss`.
 *
 * @example
 * webSocketUrlFor('https://docs.example.com') // 'wss://docs.example.com/ws'
 * webSocketUrlFor('http://127.0.0.1:1234')    // 'ws://127.0.0.1:1234/ws'
 */
export function webSocketUrlFor(serverOrigin: string): string {
  const url = new URL(serverOrigin);
  return `${url.protocol === 'https:' ? 'wss' : 'ws'}://${url.host}/ws`;
}
