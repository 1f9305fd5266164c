export interface WebSocketProbe {
  /** Stops the probe without an answer. */
  cancel(): void;
}

export interface ProbeWebSocketOptions {
  WebSocket: typeof WebSocket;
  url: string;
  protocols?: string | string[];
  /** How long the server may take to send its first message. */
  timeoutMs: number;
}

/**
 * Tries whether a WebSocket to `url` works: it must open and carry the server's first message
 * (a Tandem server greets every connection with a sync step) within `timeoutMs`. The probe is
 * closed either way before `onResult` is called, once.
 *
 * @example
 * const probe = probeWebSocket({ WebSocket, url, timeoutMs: 4000 }, (works) => console.log(works));
 * probe.cancel(); // no answer needed any more
 */
export function probeWebSocket(options: ProbeWebSocketOptions, onResult: (works: boolean) => void): WebSocketProbe {
  const socket = new options.WebSocket(options.url, options.protocols);
  socket.binaryType = 'arraybuffer';
  let settled = false;
  const stop = () => {
    settled = true;
    clearTimeout(timer);
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    // Closing a socket that is still connecting reports an error; in Node one without a listener is thrown.
    socket.onerror = () => undefined;
    socket.close();
  };
  const settle = (works: boolean) => {
    if (settled) return;
    stop();
    onResult(works);
  };
  const timer = setTimeout(() => settle(false), options.timeoutMs);
  socket.onmessage = () => settle(true);
  socket.onclose = () => settle(false);
  // A close follows every error.
  socket.onerror = () => undefined;
  return {
    cancel() {
      if (!settled) stop();
    },
  };
}
