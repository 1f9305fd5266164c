import type { FallbackWebSocket } from '../../web/src/transport/createFallbackWebSocket.js';
import type { ConnectSync } from './SyncConnection.js';

/** The browser WebSocket API, as the editor's fallback socket has it. */
export type BrowserSocket = FallbackWebSocket;

/**
 * Connections over a socket with the browser WebSocket API (onopen, onmessage, …), made by
 * `create`: say, the editor's `createFallbackWebSocket` class, so raw clients can travel over the
 * HTTP fallback exactly as the editor does.
 *
 * @example
 * const FallbackWebSocket = createFallbackWebSocket({ WebSocket: ws as unknown as typeof WebSocket });
 * new RawSyncClient(url, { answersSyncStep1: true, connect: connectBrowserSocket((url) => new FallbackWebSocket(url)) });
 */
export function connectBrowserSocket(create: (url: string) => BrowserSocket): ConnectSync {
  return (url, events) => {
    const socket = create(url);
    socket.binaryType = 'arraybuffer';
    const closed = new Promise<void>((resolve) => {
      socket.onclose = (event) => {
        events.onClose(event.code, event.reason);
        resolve();
      };
    });
    socket.onopen = () => events.onOpen();
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') throw new TypeError(`a text frame from ${url}, where y-websocket sends only binary ones`);
      events.onFrame(new Uint8Array(event.data));
    };
    socket.onerror = () => events.onError(new Error(`the socket to ${url} failed`));
    return {
      get isOpen() {
        return socket.readyState === socket.OPEN;
      },
      send: (frame) => socket.send(frame),
      close() {
        socket.close();
        return closed;
      },
    };
  };
}
