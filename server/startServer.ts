import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import type { Logger } from 'pino';
import type { WebSocketServer } from 'ws';
import type { DocumentStore } from '../storage/DocumentStore.js';
import type { RedisBus } from './cluster/RedisBus.js';
import { createApp, type AppAccess, type AppLimits } from './createApp.js';
import { createServerMetrics } from './metrics/createServerMetrics.js';
import type { CompactionLeaseOptions, SnapshotPolicy } from './rooms/Room.js';
import { RoomRegistry } from './rooms/RoomRegistry.js';
import { startHeartbeat } from './startHeartbeat.js';
import { createWebhookNotifier, type WebhookNotifierOptions } from './webhooks/createWebhookNotifier.js';
import { describeOpenDocument } from './webhooks/describeOpenDocument.js';

export interface StartServerOptions {
  port: number;
  host: string;
  store: DocumentStore;
  logger: Logger;
  webDir: string;
  snapshotPolicy: SnapshotPolicy;
  access: AppAccess;
  limits: ServerLimits;
  /** PEM certificate and key: serve HTTPS and WSS instead of HTTP and WS. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Bearer token `GET /metrics` requires; `null` leaves it open. */
  metricsToken: string | null;
  /** Signed POSTs on document create, change and delete; `null` or absent for none. */
  webhooks?: Pick<WebhookNotifierOptions, 'urls' | 'secret' | 'debounceMs' | 'maxWaitMs' | 'closeTimeoutMs'> | null;
  /** Shares live documents with other instances; absent or `null` for a single instance. The caller closes it after `close()`. */
  cluster?: RedisBus | null;
  /** This instance's name and lease length for stores with compaction leases (see `DocumentStore.leases`). */
  compactionLease?: CompactionLeaseOptions;
  /** The store's database connections, for metrics (PostgreSQL). */
  storeConnections?: () => { total: number; idle: number; waiting: number };
}

export interface ServerLimits extends AppLimits {
  /** WebSockets that have not answered the previous ping by the next one are dropped. */
  pingIntervalMs: number;
}

export interface TandemServer {
  /** The port actually bound (differs from the requested one when that was 0). */
  readonly port: number;
  readonly host: string;
  /**
   * Drains: readiness turns 503 at once, new connections and requests are refused (503
   * `shutting-down`), peers are closed with 1012 (clients reconnect, to this server once it
   * is back or to another), every document is saved, requests already running get their
   * answer, then the sockets close. Does not close the store. Has no time limit of its own:
   * the caller bounds it (see `unsavedDocuments`).
   */
  close(): Promise<void>;
  /** Documents with changes not yet on disk: what a shutdown that ran out of time would lose. */
  unsavedDocuments(): string[];
}

/** How long closing peers get to answer the close handshake before their sockets are cut. */
const CLOSE_GRACE_MS = 1000;

/** Starts the HTTP + WebSocket server and resolves once it is listening. */
export async function startServer(options: StartServerOptions): Promise<TandemServer> {
  const { logger } = options;
  const { limits } = options;
  let shuttingDown = false;
  const requests = trackRequests();
  const webhooks = options.webhooks
    ? createWebhookNotifier({
        ...options.webhooks,
        logger,
        publicUrl: options.access.publicUrl,
        describe: (documentName) => describeOpenDocument(registry, documentName),
      })
    : null;
  const cluster = options.cluster ?? null;
  const metrics = createServerMetrics({
    rooms: () => registry.stats(),
    httpRequestsInFlight: () => requests.inFlight,
    ...(webhooks ? { webhooks: () => webhooks.stats() } : {}),
    ...(cluster ? { cluster: () => cluster.stats() } : {}),
    ...(options.storeConnections ? { storeConnections: options.storeConnections } : {}),
    // Read at scrape time: the sessions belong to the app, made below.
    httpSessions: () => httpSessionCount(),
  });
  const registry: RoomRegistry = new RoomRegistry({
    store: options.store,
    logger,
    snapshotPolicy: options.snapshotPolicy,
    maxDocumentBytes: limits.maxDocumentBytes,
    metrics,
    onDocumentEvent: webhooks?.notify,
    // A change event still waiting for its debounce keeps the title and size its room had.
    onUnloading: webhooks ? (documentName) => webhooks.rememberDescription(documentName) : undefined,
    ...(cluster ? { cluster } : {}),
    ...(options.compactionLease ? { compactionLease: options.compactionLease } : {}),
  });
  const { app, injectWebSocket, wss, closeImports, closeHttpSessions, httpSessionCount } = createApp({
    registry,
    store: options.store,
    logger,
    webDir: options.webDir,
    access: options.access,
    limits,
    monitoring: {
      metrics,
      metricsToken: options.metricsToken,
      isShuttingDown: () => shuttingDown,
      ...(cluster ? { redisConnected: () => cluster.connected } : {}),
    },
  });

  const server = await listen(app.fetch, options.port, options.host, {
    // A client must finish sending its request headers (the WebSocket handshake included) in time,
    // and the check runs often enough for that to mean something.
    headersTimeout: limits.handshakeTimeoutMs,
    requestTimeout: Math.max(limits.handshakeTimeoutMs, 30_000),
    connectionsCheckingInterval: Math.min(1000, limits.handshakeTimeoutMs),
    ...(options.tls ?? {}),
  }, options.tls !== null);
  injectWebSocket(server);
  // Before the app's own listener, which may answer (a metrics scrape) before later listeners run.
  server.prependListener('request', requests.onRequest);
  const stopHeartbeat = startHeartbeat(wss, limits.pingIntervalMs, () => logger.info('dropping a WebSocket that stopped answering pings'));
  const address = server.address() as AddressInfo;
  let closing: Promise<void> | null = null;

  return {
    port: address.port,
    host: options.host,
    close: () => {
      closing ??= (async () => {
        shuttingDown = true;
        server.close(); // stop accepting new connections; idle keep-alive connections are closed too
        stopHeartbeat();
        try {
          await registry.close();
        } finally {
          // A conversion still running cannot be waited for (it may take its full time limit): its request gets a 503.
          await closeImports();
          // Before waiting for requests: fallback streams and polls are requests that only end with their session.
          await closeHttpSessions();
          // Requests already running when the drain began end with their answer, a 503 at worst.
          await requests.allDone();
          // After the rooms: their last changes are sent too (within the notifier's own time limit).
          await webhooks?.close();
          await closeWebSockets(wss, CLOSE_GRACE_MS);
          if ('closeAllConnections' in server) server.closeAllConnections();
          logger.info('server stopped');
        }
      })();
      return closing;
    },
    unsavedDocuments: () => registry.unsavedDocuments(),
  };
}

/** Counts HTTP requests from arrival until their response is sent or their connection is gone. */
function trackRequests() {
  let inFlight = 0;
  const waiting: (() => void)[] = [];
  return {
    get inFlight() {
      return inFlight;
    },
    onRequest: (_request: IncomingMessage, response: ServerResponse) => {
      inFlight += 1;
      response.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) for (const resolve of waiting.splice(0)) resolve();
      });
    },
    /** Resolves once no request is in flight. */
    allDone: (): Promise<void> => (inFlight === 0 ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve))),
  };
}

function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  port: number,
  hostname: string,
  serverOptions: Record<string, unknown>,
  https: boolean,
): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = https
      ? serve({ fetch, port, hostname, createServer: createHttpsServer, serverOptions })
      : serve({ fetch, port, hostname, serverOptions });
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
