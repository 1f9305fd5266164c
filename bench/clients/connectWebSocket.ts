import WebSocket from 'ws';
import type { ConnectSync } from './SyncConnection.js';

/** A plain `ws` socket without compression: the bench's default connection, and the lightest. */
export const connectWebSocket: ConnectSync = (url, events) => {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.binaryType = 'nodebuffer';
  socket.once('open', () => events.onOpen());
  socket.on('message', (data: Buffer) => events.onFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
  socket.on('error', (error) => events.onError(error));
  socket.on('close', (code, reason) => events.onClose(code, reason.toString()));
  return {
    get isOpen() {
      return socket.readyState === WebSocket.OPEN;
    },
    send: (frame) => socket.send(frame),
    close() {
      if (socket.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise((resolve) => {
        socket.once('close', () => resolve());
        // A socket still connecting cannot be closed cleanly; terminate it.
        if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
        else socket.close();
      });
    },
  };
};
