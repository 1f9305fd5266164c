import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every WebSocket each `intervalMs` and drops those that did not answer
 * the previous ping, so a vanished client (laptop lid closed, network gone)
 * does not hold its presence and its slot until the operating system notices,
 * which can take hours. Browsers answer pings on their own. One timer serves
 * every connection. Returns a function that stops it.
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number, onDead: (socket: WebSocket) => void): () => void {
  const answered = new WeakMap<WebSocket, boolean>();
  const track = (socket: WebSocket) => {
    answered.set(socket, true);
    socket.on('pong', () => answered.set(socket, true));
  };
  wss.on('connection', track);
  const timer = setInterval(() => {
    for (const socket of wss.clients) {
      if (socket.readyState !== socket.OPEN) continue;
      if (answered.get(socket) === false) {
        onDead(socket);
        socket.terminate();
        continue;
      }
      answered.set(socket, false);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => {
    clearInterval(timer);
    wss.off('connection', track);
  };
}
