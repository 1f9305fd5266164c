import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { zValidator } from '@hono/zod-validator';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { Logger } from 'pino';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { ACCESS_TOKEN_QUERY_PARAMETER, coversDocument } from '../common/accessToken.js';
import { checkDocumentName } from '../common/documentName.js';
import { SAVED_STATE_QUERY_PARAMETER } from '../common/savedState.js';
import { StorageError, type DocumentStore } from '../storage/DocumentStore.js';
import { AccessTokenError, mintAccessToken, verifyAccessToken } from './access/accessToken.js';
import { checkHost } from './access/checkHost.js';
import { checkOrigin } from './access/checkOrigin.js';
import { shareLinkFor } from './access/shareLinkFor.js';
import { admitPeer, type AccessPolicy, type Admission } from './access/admitPeer.js';
import { createWebSocketAcceptor, type UpgradeDecision } from './acceptWebSockets.js';
import { explainOversizedMessages } from './explainOversizedMessages.js';
import { checkMetricsToken } from './metrics/checkMetricsToken.js';
import type { ServerMetrics } from './metrics/createServerMetrics.js';
import { createImportQueue, ImportError } from './content/createImportQueue.js';
import { CloseCode, closeReason } from './rooms/closeCodes.js';
import { DocumentTooLargeError } from './rooms/Room.js';
import type { WebSocketLike } from './rooms/Peer.js';
import { PeerConnection, type ConnectionLimits } from './rooms/PeerConnection.js';
import { registerHttpFallback } from './http/httpFallbackRoutes.js';
import { ShuttingDownError, type RoomRegistry } from './rooms/RoomRegistry.js';
import type { AppEnv, ErrorBody } from './http/AppEnv.js';
import { createDocumentSchema, tokenRequestSchema } from './http/apiSchemas.js';
import { documentEntry, documentsRoutes, importFailure } from './http/documentsRoutes.js';
import { openApiDocument } from './http/openApiDocument.js';
import { refuseChange } from './http/refuseAccess.js';
import { shuttingDown, storageFailure } from './http/unavailableAnswers.js';

export type { ErrorBody } from './http/AppEnv.js';

export interface AppOptions {
  registry: RoomRegistry;
  store: DocumentStore;
  logger: Logger;
  /** Directory of the built web app (`index.html`, `document.html`, `assets/`). */
  webDir: string;
  access: AppAccess;
  limits: AppLimits;
  monitoring: AppMonitoring;
}

/** Readiness, metrics and the drain on shutdown. */
export interface AppMonitoring {
  metrics: ServerMetrics;
  /** Bearer token `GET /metrics` requires; `null` leaves it open (like `/healthz`). */
  metricsToken: string | null;
  /** True from the moment a shutdown starts: `/readyz` answers 503 and new requests get 503 `shutting-down`. */
  isShuttingDown: () => boolean;
  /** Whether Redis links this instance to the others; absent for a single instance. `/readyz` reports it. */
  redisConnected?: () => boolean;
}

/** Who may connect and how share links are written. */
export interface AppAccess extends Omit<AccessPolicy, 'publicHost'> {
  /** Bearer key for `POST /api/tokens`; the endpoint answers 404 without one. */
  adminKey: string | null;
  /** Base URL for share links; without it, the URL the request came in on. */
  publicUrl: string | null;
  /** Read the client address from `X-Forwarded-For` (only behind a proxy that sets it). */
  trustProxy: boolean;
}

/** What one client, one address and the whole server may use. */
export interface AppLimits extends Omit<ConnectionLimits, 'maxPendingBytes'> {
  /** Frames larger than this close the connection with 1009. */
  maxMessageBytes: number;
  maxConnections: number;
  maxConnectionsPerDocument: number;
  /** New WebSockets per client address and minute; 0 = no limit. */
  connectionsPerMinutePerIp: number;
  /** See `RoomOptions.maxDocumentBytes`; also the largest content `POST /api/documents` accepts. */
  maxDocumentBytes: number;
  /** An HTTP fallback session nobody fetches from for this long is closed (see `HttpSessions`). */
  httpSessionTimeoutMs: number;
}

/** Request bodies of the HTTP API are small JSON objects. */
const MAX_API_BODY_BYTES = 64 * 1024;

/**
 * Content posted to create a document. Converting Markdown and HTML costs far
 * more than its size suggests (a 256 KiB Markdown file takes seconds), so imports
 * are also run in a worker, one at a time, with a time limit.
 */
const MAX_IMPORT_BYTES = 1024 * 1024;
const IMPORT_TIMEOUT_MS = 30_000;

/** Query parameters of a WebSocket upgrade. */
const connectionQuerySchema = z.object({
  [SAVED_STATE_QUERY_PARAMETER]: z.enum(['0', '1']).optional(),
  [ACCESS_TOKEN_QUERY_PARAMETER]: z.string().max(8192).optional(),
});

/** What a new connection says about itself, whatever carries it. */
export interface ConnectionInput {
  /** The client's address (see `clientAddress`), for the per-address rate. */
  address: string;
  origin: string | undefined;
  host: string | undefined;
  /** The query of the connection's URL: `token`, `saved`. */
  searchParams: URLSearchParams;
}

/** A client joined to its document (`release` once it is gone), or the close code and reason it was refused with. */
export type StartedConnection =
  | { id: string; connection: PeerConnection; release: () => void; logger: Logger }
  | { refused: { code: number; reason: string } };

/** Content sent to create or change a document: `POST /api/documents`, `PUT`/`POST /api/documents/:documentName/content`. */
const IMPORT_ROUTE = /^\/api\/documents(\/[^/]+\/content)?$/;

/**
 * The HTTP and WebSocket surface of the server. Only this module and `server/http/`
 * (the routes it mounts, and what they share) know Hono.
 * Returns the app plus what the Node server needs to route WebSocket upgrades.
 */
export function createApp(options: AppOptions) {
  const { registry, store, logger, webDir, access, limits } = options;
  const { metrics } = options.monitoring;
  const app = new Hono<AppEnv>();
  const webSockets = createWebSocketAcceptor({ maxMessageBytes: limits.maxMessageBytes, decide: decideUpgrade, logger });
  explainOversizedMessages(webSockets.wss, limits.maxMessageBytes, () => metrics.error('message_too_large'));
  const policy: AccessPolicy = {
    authSecret: access.authSecret,
    // The public URL is the server's own origin too (behind a proxy the Host header may differ).
    allowedOrigins: access.publicUrl ? [...access.allowedOrigins, new URL(access.publicUrl).origin] : access.allowedOrigins,
    publicHost: access.publicUrl ? new URL(access.publicUrl).hostname : null,
  };
  const connectionsPerAddress =
    limits.connectionsPerMinutePerIp > 0 ? new RateLimiterMemory({ points: limits.connectionsPerMinutePerIp, duration: 60 }) : null;
  const connectionsPerDocument = new Map<string, number>();
  // A peer may have two whole documents on their way to it (a join, then a resync); more means it stopped reading.
  const maxBufferedBytes = 2 * limits.maxMessageBytes;
  let openConnections = 0;
  let connectionCount = 0;

  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      // Middleware that built its own response (bearerAuth) keeps it; the rest get the API's JSON error shape.
      if (error.res) return error.getResponse();
      const code = error.status === 400 ? 'invalid-body' : `http-${error.status}`;
      return c.json<ErrorBody>({ error: { code, message: error.message } }, error.status);
    }
    if (error instanceof StorageError) {
      logger.warn({ err: error, method: c.req.method, path: c.req.path }, 'request refused: the document store failed');
      return storageFailure(c, error);
    }
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    metrics.error('http_internal');
    return c.json<ErrorBody>({ error: { code: 'internal', message: 'internal server error' } }, 500);
  });
  app.notFound((c) => c.json<ErrorBody>({ error: { code: 'not-found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  // Pages are framed only by the app itself, except the embed route, which the allowed origins may frame.
  const pageHeaders = secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, xFrameOptions: 'SAMEORIGIN' });
  const embedHeaders = secureHeaders({
    contentSecurityPolicy: { ...CONTENT_SECURITY_POLICY, frameAncestors: ["'self'", ...policy.allowedOrigins] },
    // frame-ancestors above says who may frame it; X-Frame-Options cannot express a list.
    xFrameOptions: false,
  });
  // The embeddable editor script and stylesheet are loaded by other sites' pages.
  const libraryHeaders = secureHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY, crossOriginResourcePolicy: 'cross-origin' });
  app.use('*', (c, next) => {
    if (c.req.path.startsWith('/embed/')) return embedHeaders(c, next);
    if (c.req.path.startsWith('/lib/')) return libraryHeaders(c, next);
    return pageHeaders(c, next);
  });
  // While draining, nothing new starts: the probes and metrics still answer, everything else is 503 (retry elsewhere).
  app.use('*', async (c, next) => {
    if (!options.monitoring.isShuttingDown() || MONITORING_PATHS.has(c.req.path)) return next();
    c.header('Connection', 'close');
    return shuttingDown(c);
  });
  const limitBody = (maxSize: number) =>
    bodyLimit({ maxSize, onError: (c) => c.json<ErrorBody>({ error: { code: 'body-too-large', message: `request bodies are limited to ${maxSize} bytes` } }, 413) });
  const apiBodyLimit = limitBody(MAX_API_BODY_BYTES);
  const importBodyLimit = limitBody(Math.min(MAX_IMPORT_BYTES, limits.maxDocumentBytes) + MAX_API_BODY_BYTES);
  app.use('/api/*', (c, next) => ((c.req.method === 'POST' || c.req.method === 'PUT') && IMPORT_ROUTE.test(c.req.path) ? importBodyLimit : apiBodyLimit)(c, next));
  // A page on another site must not change documents through a visitor's browser (forms and text/plain
  // posts skip CORS preflight); a JSON body or a DELETE from a foreign page already needs a preflight we never grant.
  // Browsers send Origin with every cross-site POST and DELETE; tools such as curl send none and pass.
  app.use('/api/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !checkOrigin(origin, c.req.header('host'), policy.allowedOrigins)) {
      return c.json<ErrorBody>({ error: { code: 'forbidden-origin', message: `requests from pages on ${origin} are not allowed; add it to ALLOWED_ORIGINS` } }, 403);
    }
    return next();
  });

  app.get('/healthz', (c) => c.json({ status: 'ok', loadedDocuments: registry.size, uptimeSeconds: Math.round(process.uptime()) }));

  /** Whether a load balancer should send traffic here: not while draining, not when saves would fail. */
  app.get('/readyz', async (c) => {
    if (options.monitoring.isShuttingDown()) return notReady(c, 'shutting-down', 'the server is shutting down');
    try {
      await store.checkWritable();
    } catch (error) {
      if (!(error instanceof StorageError)) throw error;
      return notReady(c, 'store-unwritable', error.message);
    }
    // Still ready without Redis: the instance serves its own peers and saves everything, and an
    // outage of Redis would otherwise take every instance out of the load balancer at once.
    const redisConnected = options.monitoring.redisConnected?.();
    if (redisConnected === undefined) return c.json({ status: 'ready' });
    return c.json({ status: redisConnected ? 'ready' : 'degraded', redis: redisConnected ? 'connected' : 'unreachable' });
  });
  function notReady(c: Context<AppEnv>, code: 'shutting-down' | 'store-unwritable', message: string): Response {
    return c.json<ErrorBody & { status: 'not-ready' }>({ status: 'not-ready', error: { code, message } }, 503);
  }

  app.get('/metrics', async (c) => {
    const { metricsToken } = options.monitoring;
    if (metricsToken !== null && !checkMetricsToken(c.req.header('authorization'), metricsToken)) {
      c.header('WWW-Authenticate', 'Bearer realm="metrics"');
      return c.json<ErrorBody>({ error: { code: 'unauthorized', message: 'send the metrics token as Authorization: Bearer <token>' } }, 401);
    }
    return c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' });
  });

  /** With authentication on, API calls need a token (`Authorization: Bearer …` or `?token=`); it is kept for the handler. */
  const requireAccess: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (access.authSecret === null) {
      if (!checkHost(c.req.header('host'), policy.publicHost)) {
        return c.json<ErrorBody>({ error: { code: 'unknown-host', message: `this server does not answer to ${c.req.header('host') ?? 'a missing Host'}; set PUBLIC_URL to its name` } }, 403);
      }
      c.set('grant', null);
      return next();
    }
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.query(ACCESS_TOKEN_QUERY_PARAMETER);
    try {
      c.set('grant', await verifyAccessToken(access.authSecret, token));
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      c.header('WWW-Authenticate', `Bearer error="${error.problem === 'missing' ? 'invalid_request' : 'invalid_token'}"`);
      return c.json<ErrorBody>({ error: { code: error.problem === 'expired' ? 'token-expired' : 'unauthorized', message: error.message } }, 401);
    }
    return next();
  };

  app.get('/api/documents', requireAccess, async (c) => {
    const grant = c.get('grant');
    const stored = await store.list();
    const documents = stored.filter((info) => grant === null || coversDocument(grant.documents, info.documentName)).map((info) => documentEntry(info, registry));
    return c.json({ documents });
  });

  const imports = createImportQueue({ timeoutMs: IMPORT_TIMEOUT_MS, maxWaiting: 4 });

  app.post(
    '/api/documents',
    requireAccess,
    zValidator('json', createDocumentSchema, (result, c) => {
      if (!result.success) return c.json<ErrorBody>({ error: { code: 'invalid-body', message: z.prettifyError(result.error), issues: result.error.issues } }, 400);
    }),
    async (c) => {
      const { name, content } = c.req.valid('json');
      const refusal = refuseChange(c, name);
      if (refusal) return refusal;
      let update: Uint8Array;
      try {
        update = await imports.toUpdate(content ?? { format: 'json', value: { type: 'doc', content: [{ type: 'paragraph' }] } });
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        return importFailure(c, error);
      }
      let created: boolean;
      try {
        created = await registry.create(name, update);
      } catch (error) {
        if (error instanceof ShuttingDownError) return shuttingDown(c);
        if (!(error instanceof DocumentTooLargeError)) throw error;
        return c.json<ErrorBody>({ error: { code: 'document-too-large', message: error.message } }, 413);
      }
      if (!created) return c.json<ErrorBody>({ error: { code: 'document-exists', message: `a document named "${name}" already exists` } }, 409);
      logger.info({ documentName: name, format: content?.format ?? 'empty', bytes: update.byteLength }, 'document created');
      return c.json({ name, url: `/d/${name}` }, 201);
    },
  );

  app.delete('/api/documents/:documentName', requireAccess, async (c) => {
    const documentName = c.req.param('documentName');
    const check = checkDocumentName(documentName);
    if (!check.ok) return c.json<ErrorBody>({ error: { code: 'bad-document-name', message: check.reason } }, 400);
    const refusal = refuseChange(c, documentName);
    if (refusal) return refusal;
    let deleted: boolean;
    try {
      deleted = await registry.delete(documentName);
    } catch (error) {
      if (error instanceof ShuttingDownError) return shuttingDown(c);
      throw error;
    }
    if (!deleted) return c.json<ErrorBody>({ error: { code: 'not-found', message: `there is no document named "${documentName}"` } }, 404);
    return c.body(null, 204);
  });

  // Reading one document, and changing its content live.
  app.route('/api/documents', documentsRoutes({ registry, store, logger, imports, requireAccess }));
  // A description of the API, not of any document: public, like /healthz.
  const openApi = openApiDocument();
  app.get('/api/openapi.json', (c) => c.json(openApi));

  const { adminKey, authSecret } = access;
  if (adminKey !== null && authSecret !== null) {
    const askForKey = { message: { error: { code: 'unauthorized', message: 'send the admin key as Authorization: Bearer <key>' } } };
    app.post(
      '/api/tokens',
      // Compares the key in constant time.
      bearerAuth({ token: adminKey, noAuthenticationHeader: askForKey, invalidAuthenticationHeader: askForKey, invalidToken: { message: { error: { code: 'unauthorized', message: 'wrong admin key' } } } }),
      zValidator('json', tokenRequestSchema, (result, c) => {
        if (!result.success) {
          return c.json<ErrorBody>({ error: { code: 'invalid-body', message: z.prettifyError(result.error), issues: result.error.issues } }, 400);
        }
      }),
      async (c) => {
        const { expiresIn, ...grant } = c.req.valid('json');
        let minted;
        try {
          minted = await mintAccessToken(authSecret, grant, expiresIn);
        } catch (error) {
          if (!(error instanceof RangeError)) throw error;
          return c.json<ErrorBody>({ error: { code: 'invalid-body', message: error.message, issues: [{ path: ['expiresIn'], message: error.message }] } }, 400);
        }
        const { token, expiresAt } = minted;
        const baseUrl = access.publicUrl ?? new URL(c.req.url).origin;
        return c.json({ token, expiresAt: expiresAt.toISOString(), ...grant, link: shareLinkFor(baseUrl, grant.documents, token) }, 201);
      },
    );
  } else {
    app.post('/api/tokens', (c) =>
      c.json<ErrorBody>({ error: { code: 'not-enabled', message: 'minting tokens over HTTP is off; start the server with ADMIN_KEY (and AUTH_SECRET)' } }, 404),
    );
  }

  // Upgrades never get here (see decideUpgrade): a plain GET is told what this address is for.
  app.get('/ws/:documentName', (c) => {
    const check = checkDocumentName(c.req.param('documentName'));
    if (!check.ok) return c.json<ErrorBody>({ error: { code: 'bad-document-name', message: check.reason } }, 400);
    return c.json<ErrorBody>({ error: { code: 'upgrade-required', message: 'this endpoint speaks the y-websocket protocol over WebSocket' } }, 426);
  });

  /**
   * What every new connection passes, a WebSocket or an HTTP fallback session: nothing new while
   * draining (503), the per-address rate (429, before any work), then the query and `admitPeer`.
   * A refusal by `admitPeer` is reported to the client as a close code it understands.
   */
  async function decideConnection(request: ConnectionInput, documentName: string): Promise<{ refuse: 429 | 503 } | Admission> {
    // While draining, nothing new starts (clients retry, here once it is back or elsewhere).
    if (options.monitoring.isShuttingDown()) return { refuse: 503 };
    if (connectionsPerAddress) {
      try {
        await connectionsPerAddress.consume(request.address);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        logger.warn({ address: request.address, retryInMs: rejection.msBeforeNext }, 'refusing a connection: too many from this address');
        metrics.error('connection_rate_limited');
        metrics.connectionRefused(429);
        return { refuse: 429 };
      }
    }
    const query = connectionQuerySchema.safeParse(firstQueryValues(request.searchParams));
    if (!query.success) return { admitted: false, code: CloseCode.badRequest, reason: `bad query: ${z.prettifyError(query.error)}` };
    return admitPeer(policy, {
      documentName,
      origin: request.origin,
      host: request.host,
      token: query.data[ACCESS_TOKEN_QUERY_PARAMETER],
      wantsSavedState: query.data[SAVED_STATE_QUERY_PARAMETER] === '1',
    });
  }

  /** A WebSocket upgrade to `/ws/<documentName>`: refused before the upgrade only for 503 and 429, else decided after it. */
  async function decideUpgrade(request: IncomingMessage, documentName: string): Promise<UpgradeDecision> {
    const decision = await decideConnection(
      {
        address: clientAddress(request, access.trustProxy),
        origin: request.headers.origin,
        host: request.headers.host,
        searchParams: new URL(request.url ?? '/', 'http://localhost').searchParams,
      },
      documentName,
    );
    if ('refuse' in decision) return decision;
    return { accept: (ws) => openPeer(ws, documentName, decision) };
  }

  /**
   * Joins an admitted client to its document, over whatever carries its frames (`makeSocket`), and
   * counts it against the server's and the document's connection limits; or says why not. Call
   * `release` once when the client is gone.
   */
  function startConnection(documentName: string, admission: Admission, transport: string, makeSocket: (logger: Logger) => WebSocketLike): StartedConnection {
    connectionCount += 1;
    const id = `c${connectionCount}`;
    const connectionLogger = logger.child({ conn: id, documentName, ...(transport === 'websocket' ? {} : { transport }) });
    const refusal = admission.admitted ? refuseOverCapacity(documentName) : admission;
    if (refusal || !admission.admitted) {
      const { code, reason } = refusal ?? { code: CloseCode.badRequest, reason: 'refused' };
      connectionLogger.info({ code, reason }, 'refusing a connection');
      metrics.connectionRefused(code);
      return { refused: { code, reason } };
    }
    openConnections += 1;
    metrics.connectionOpened();
    connectionsPerDocument.set(documentName, (connectionsPerDocument.get(documentName) ?? 0) + 1);
    const connection = new PeerConnection({
      id,
      documentName,
      socket: makeSocket(connectionLogger),
      registry,
      logger: connectionLogger,
      metrics,
      limits: { ...limits, maxPendingBytes: limits.maxMessageBytes },
      peer: admission.peer,
      expiresAt: admission.expiresAt,
    });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      connection.closed();
      openConnections -= 1;
      metrics.connectionClosed();
      const remaining = (connectionsPerDocument.get(documentName) ?? 1) - 1;
      if (remaining > 0) connectionsPerDocument.set(documentName, remaining);
      else connectionsPerDocument.delete(documentName);
    };
    void connection.start();
    return { id, connection, release, logger: connectionLogger };
  }

  /** Serves an upgraded socket: closed at once with the refusal's code, or joined to its document. */
  function openPeer(ws: WebSocket, documentName: string, admission: Admission): void {
    const started = startConnection(documentName, admission, 'websocket', (connectionLogger) =>
      toWebSocketLike(ws, maxBufferedBytes, metrics, () => {
        connectionLogger.warn({ maxBufferedBytes }, 'dropping a peer that does not read what it is sent');
        metrics.error('slow_reader');
      }),
    );
    if ('refused' in started) {
      ws.close(started.refused.code, closeReason(started.refused.reason));
      return;
    }
    const { connection, release } = started;
    let open = true;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!open) return;
      // A copy: the frame may be a view into a larger receive buffer, and Yjs can keep slices of what it applies.
      if (isBinary) connection.receive(new Uint8Array(data));
      else connection.receiveText();
    });
    /** Forgets the connection once, whichever of close and error comes first. */
    const close = () => {
      open = false;
      release();
    };
    ws.on('close', close);
    ws.on('error', (error) => {
      started.logger.warn({ err: error }, 'WebSocket error');
      close();
    });
  }

  const httpSessions = registerHttpFallback(app, {
    decide: decideConnection,
    start: startConnection,
    clientAddress: (c) => clientAddress(c.env.incoming, access.trustProxy),
    allowsOrigin: (origin, host) => checkOrigin(origin, host, policy.allowedOrigins),
    maxMessageBytes: limits.maxMessageBytes,
    idleTimeoutMs: limits.httpSessionTimeoutMs,
    metrics,
  });

  /** Full server or full document: 1013, which clients retry with backoff. */
  function refuseOverCapacity(documentName: string): { code: number; reason: string } | null {
    if (openConnections >= limits.maxConnections) {
      return { code: CloseCode.tryAgainLater, reason: `server is full (${limits.maxConnections} connections); try again later` };
    }
    if ((connectionsPerDocument.get(documentName) ?? 0) >= limits.maxConnectionsPerDocument) {
      return { code: CloseCode.tryAgainLater, reason: `document "${documentName}" is full (${limits.maxConnectionsPerDocument} connections); try again later` };
    }
    return null;
  }

  app.get('/', (c) => servePage(c, 'index.html'));
  app.get('/d/:documentName', (c) => {
    // A bad name still gets the page (with status 400): it shows the rule in the app's own error card.
    const check = checkDocumentName(c.req.param('documentName'));
    return servePage(c, 'document.html', check.ok ? 200 : 400);
  });
  app.get('/embed/:documentName', (c) => {
    const check = checkDocumentName(c.req.param('documentName'));
    return servePage(c, 'embed.html', check.ok ? 200 : 400);
  });
  app.use('/lib/*', async (c, next) => {
    await next();
    if (c.res.status !== 200) return;
    c.header('Access-Control-Allow-Origin', '*');
    // A stable URL (no content hash): browsers revalidate, so a new deploy is picked up at once.
    c.header('Cache-Control', 'no-cache');
  });
  app.use('/lib/*', serveStatic({ root: webDir, precompressed: true }));
  app.get('/sw.js', async (c) => {
    // The service worker must always be revalidated, or browsers keep an old one for up to a day.
    const script = await readWebFile('sw.js');
    return c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  });
  app.use('/assets/*', async (c, next) => {
    await next();
    // File names carry a content hash: a changed file gets a new name, so browsers may keep these forever.
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/assets/*', serveStatic({ root: webDir, precompressed: true }));

  /** The built app's small text files, read from disk once per app (they only change with a new build). */
  const webFiles = new Map<string, Promise<string>>();
  function readWebFile(name: string): Promise<string> {
    let file = webFiles.get(name);
    if (!file) {
      file = readFile(join(webDir, name), 'utf8');
      webFiles.set(name, file);
      // A missing file (app not built yet) is read again next time rather than remembered.
      file.catch(() => webFiles.delete(name));
    }
    return file;
  }

  async function servePage(c: Context<AppEnv>, page: string, status: 200 | 400 = 200): Promise<Response> {
    try {
      // Pages name the current hashed assets: always revalidate them so a new deploy is picked up at once.
      c.header('Cache-Control', 'no-cache');
      return c.html(await readWebFile(page), status);
    } catch (error) {
      logger.error({ err: error, page }, 'web app page missing');
      return c.text('The web app is not built. Run `npm run build` (npm start does this for you).\n', 503);
    }
  }

  return {
    app,
    injectWebSocket: webSockets.attach,
    wss: webSockets.wss,
    closeImports: () => imports.close(),
    closeHttpSessions: () => httpSessions.close(),
    httpSessionCount: () => httpSessions.size,
  };
}

/**
 * The policy for the app's pages. Inline style attributes are allowed because
 * ProseMirror and the caret decorations set them; scripts come only from the
 * server's own hashed assets.
 */
const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'self'"],
};

/** Answered while the server drains: liveness, readiness (503 by then) and metrics. */
const MONITORING_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Each query parameter's first value, as Hono reads a query (a repeated `token=` cannot replace the first). */
function firstQueryValues(parameters: URLSearchParams): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of parameters) if (!(name in values)) values[name] = value;
  return values;
}

/** The address to rate-limit: the peer's, or the last hop a trusted proxy added. */
function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = request.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.at(-1) : header)?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

/**
 * Adapts a ws socket to what rooms need; sending to a closing socket is a no-op.
 * A socket whose unsent data would pass `maxBufferedBytes` is cut at once (the client reconnects
 * and resyncs), so a client that stops reading cannot make the server hold copies of the document.
 */
function toWebSocketLike(raw: WebSocket, maxBufferedBytes: number, metrics: ServerMetrics, onOverflow: () => void): WebSocketLike {
  // ws keeps its TCP socket in a private field; without it, frames are simply written one by one.
  const tcp = (raw as unknown as { _socket?: Socket })._socket;
  let corked = false;
  /** Bytes sent this turn, held by the cork: they leave at the turn's end whether or not the peer reads. */
  let corkedBytes = 0;
  return {
    send: (frame) => {
      if (raw.readyState !== raw.OPEN) return;
      // What the peer has not taken from earlier turns, plus this frame: a burst within one turn is no sign of a slow reader.
      if (raw.bufferedAmount - corkedBytes + frame.byteLength > maxBufferedBytes) {
        onOverflow();
        raw.terminate();
        return;
      }
      // Frames sent in one event-loop turn (a burst of updates from many typists) leave in one
      // write instead of one system call each: corked at the first, uncorked once the turn's I/O is handled.
      if (tcp && !corked) {
        corked = true;
        tcp.cork();
        setImmediate(() => {
          corked = false;
          corkedBytes = 0;
          tcp.uncork();
        });
      }
      if (corked) corkedBytes += frame.byteLength;
      raw.send(frame);
      metrics.sent(frame);
    },
    close: (code, reason) => {
      if (raw.readyState === raw.CONNECTING || raw.readyState === raw.OPEN) raw.close(code, reason);
    },
  };
}
