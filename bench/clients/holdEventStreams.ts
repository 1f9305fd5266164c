/**
 * `fetch` through a proxy that buffers event streams until they end: a request for
 * `text/event-stream` gets no response until it is aborted; everything else goes through. Given to
 * `createFallbackWebSocket`, it makes the HTTP fallback receive by long polling, every time (a
 * tiny `sseOpenTimeoutMs` alone loses the race to a fast loopback server now and then).
 *
 * @example
 * createFallbackWebSocket({ WebSocket: BlockedWebSocket as unknown as typeof WebSocket, fetch: holdEventStreams() });
 */
export function holdEventStreams(fetchThrough: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
  return (input, init) => {
    if (new Headers(init?.headers).get('accept') !== 'text/event-stream') return fetchThrough(input, init);
    const signal = init?.signal;
    if (!signal) return Promise.reject(new TypeError('a held event stream needs an AbortSignal, or it would never end'));
    return new Promise((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      else signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
  };
}
