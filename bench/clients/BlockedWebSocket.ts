/**
 * A WebSocket behind a proxy or firewall that blocks WebSockets: every connection fails at once,
 * the way a browser reports it (an error, then close code 1006, without a word from the server).
 * Given to `createFallbackWebSocket` as its `WebSocket`, it sends every socket over the HTTP fallback.
 *
 * @example
 * createFallbackWebSocket({ WebSocket: BlockedWebSocket as unknown as typeof WebSocket });
 */
export class BlockedWebSocket {
  readonly url: string;
  readyState: 0 | 3 = 0;
  binaryType: BinaryType = 'blob';
  onopen: (() => void) | null = null;
  onmessage: (() => void) | null = null;
  onerror: ((event: { type: 'error' }) => void) | null = null;
  onclose: ((event: { type: 'close'; code: number; reason: string; wasClean: boolean }) => void) | null = null;
  readonly #failing: ReturnType<typeof setTimeout>;

  constructor(url: string) {
    this.url = url;
    // Asynchronously, like a real failure: the caller sets its handlers after the constructor returns.
    this.#failing = setTimeout(() => {
      this.readyState = 3;
      this.onerror?.({ type: 'error' });
      this.onclose?.({ type: 'close', code: 1006, reason: '', wasClean: false });
    }, 0);
  }

  send(): void {
    throw new DOMException('a blocked WebSocket never opens', 'InvalidStateError');
  }

  close(): void {
    clearTimeout(this.#failing);
    this.readyState = 3;
  }
}
