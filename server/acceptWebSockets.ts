import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';

/** What to do with an upgrade to `/ws/<documentName>`: refuse it with an HTTP status, or accept it. */
export type UpgradeDecision = { refuse: number } | { accept: (socket: WebSocket, request: IncomingMessage) => void };

export interface WebSocketAcceptorOptions {
  /** Larger frames close the socket with 1009 (ws checks the length before buffering anything). */
  maxMessageBytes: number;
  /** Decides on an upgrade; may be async (token checks). An exception refuses it with 500. */
  decide: (request: IncomingMessage, documentName: string) => UpgradeDecision | Promise<UpgradeDecision>;
  logger: Logger;
}

const WEBSOCKET_PATH = /^\/ws\/([^/]+)$/;

/**
 * Takes WebSocket upgrades straight from Node's HTTP server and hands accepted sockets
 * over with `ws`. The HTTP framework is not involved: a connection keeps no request
 * context alive for its lifetime and no message is wrapped in an event on its way in.
 *
 * @example
 * const acceptor = createWebSocketAcceptor({ maxMessageBytes, decide, logger });
 * acceptor.attach(server);
 */
export function createWebSocketAcceptor(options: WebSocketAcceptorOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes });

  async function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Node removes its own error listener before emitting 'upgrade': until ws takes the socket,
    // a client resetting the connection would otherwise be an uncaught error.
    const onEarlyError = () => socket.destroy();
    socket.on('error', onEarlyError);
    const refuse = (status: number) => {
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy());
    };
    let path: string;
    try {
      path = new URL(request.url ?? '/', 'http://localhost').pathname;
    } catch {
      // A request target no URL parser accepts: the client's mistake, not worth a log line.
      return refuse(400);
    }
    const match = request.method === 'GET' ? WEBSOCKET_PATH.exec(path) : null;
    if (!match) return refuse(404);
    let decision: UpgradeDecision;
    try {
      decision = await options.decide(request, decodePathSegment(match[1]!));
    } catch (error) {
      options.logger.error({ err: error }, 'WebSocket upgrade failed');
      return refuse(500);
    }
    if ('refuse' in decision) return refuse(decision.refuse);
    if (socket.destroyed) return;
    socket.off('error', onEarlyError);
    wss.handleUpgrade(request, socket, head, (ws) => {
      // Before anything else: a socket being refused still reads until its close handshake ends,
      // and a bad frame meanwhile is an 'error' event, which would be uncaught without a listener.
      ws.on('error', (error) => options.logger.debug({ err: error }, 'WebSocket error'));
      wss.emit('connection', ws, request);
      try {
        decision.accept(ws, request);
      } catch (error) {
        options.logger.error({ err: error }, 'could not serve an accepted WebSocket');
        ws.terminate();
      }
    });
  }

  return {
    /** Every accepted socket is in `wss.clients` (heartbeat and shutdown walk it). */
    wss,
    /** Listens for upgrades on an HTTP or HTTPS server. */
    attach(server: EventEmitter): void {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        handleUpgrade(request, socket, head).catch((error: unknown) => {
          options.logger.error({ err: error }, 'WebSocket upgrade failed');
          socket.destroy();
        });
      });
    },
  };
}

/** A path segment with its percent-escapes decoded; left as it is when they are malformed (the name check then refuses it). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
