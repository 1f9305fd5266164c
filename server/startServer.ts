import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { DocumentStore } from '../storage/DocumentStore.js';
import { createApp } from './createApp.js';
import type { SnapshotPolicy } from './rooms/Room.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';

export interface StartServerOptions {
  port: number;
  host: string;
  store: DocumentStore;
  logger: Logger;
  webDir: string;
  snapshotPolicy: SnapshotPolicy;
  maxMessageBytes: number;
}

export interface TandemServer {
  /** The port actually bound (differs from the requested one when that was 0). */
  readonly port: number;
  readonly host: string;
  /** Stops accepting, closes peers with 1012, saves every document, closes sockets. Does not close the store. */
  close(): Promise<void>;
}

/** How long closing peers get to answer the close handshake before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

/** Starts the HTTP + WebSocket server and resolves once it is listening. */
export async function startServer(options: StartServerOptions): Promise<TandemServer> {
  const { logger } = options;
  const registry = new RoomRegistry({ store: options.store, logger, snapshotPolicy: options.snapshotPolicy });
  const { app, injectWebSocket, wss } = createApp({
    registry,
    store: options.store,
    logger,
    webDir: options.webDir,
    maxMessageBytes: options.maxMessageBytes,
  });

  const server = await listen(app.fetch, options.port, options.host);
  injectWebSocket(server);
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;

  return {
    port: address.port,
    host: options.host,
    close: () => {
      closing ??= (async () => {
        server.close(); // stop accepting new connections
        try {
          await registry.close();
        } finally {
          await closeWebSockets(wss, CLOSE_GRACE_MS);
          if ('closeAllConnections' in server) server.closeAllConnections();
          logger.info('server stopped');
        }
      })();
      return closing;
    },
  };
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname });
    const onError = (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`port ${port} on ${hostname} is already in use; pick another with --port or PORT (0 picks a free one)`, { cause: error })
          : error,
      );
    };
    server.once('error', onError);
    server.once('listening', () => {
      server.off('error', onError);
      resolve(server);
    });
  });
}

/** Waits for sockets that were sent a close frame, then cuts the ones that did not answer. */
async function closeWebSockets(wss: WebSocketServer, graceMs: number): Promise<void> {
  const open = [...wss.clients];
  await Promise.race([
    Promise.all(open.map((socket) => (socket.readyState === socket.CLOSED ? undefined : new Promise((resolve) => socket.once('close', resolve))))),
    new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
  ]);
  for (const socket of wss.clients) socket.terminate();
  await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
}
