import type { EventEmitter } from 'node:events';
import type { WebSocket, WebSocketServer } from 'ws';
import { CloseCode, closeReason } from './rooms/closeCodes.js';

/**
 * `ws` refuses a frame over `maxPayload` as soon as its header announces the
 * length (nothing is buffered), but closes with a bare 1009. This sends the
 * reason too, so a client learns what the limit is. It listens on the
 * socket's frame parser, a private field of `ws` 8: if that ever disappears,
 * clients still get 1009, only without the reason (and a test says so).
 */
export function explainOversizedMessages(wss: WebSocketServer, maxMessageBytes: number, onRefused: () => void = () => undefined): void {
  wss.on('connection', (socket: WebSocket) => {
    const receiver = (socket as unknown as { _receiver?: EventEmitter })._receiver;
    receiver?.prependListener('error', (error: Error & { code?: string }) => {
      if (error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') return;
      onRefused();
      // Runs before ws's own handler, whose bare close() then finds the socket closing already.
      socket.close(CloseCode.messageTooBig, closeReason(`message larger than ${maxMessageBytes} bytes (--max-message-bytes)`));
    });
  });
}
