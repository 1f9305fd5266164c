import type { ServerResponse } from 'node:http';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import type { Logger } from 'pino';
import { decodeFrameBatch, encodeFrameBatch } from '../../common/frameBatch.js';
import { ACCESS_TOKEN_QUERY_PARAMETER } from '../../common/accessToken.js';
import type { Admission } from '../access/admitPeer.js';
import type { ConnectionInput, StartedConnection } from '../createApp.js';
import type { HttpSession, SessionDelivery } from '../httpFallback/HttpSession.js';
import { HttpSessions } from '../httpFallback/HttpSessions.js';
import { CloseCode } from '../rooms/closeCodes.js';
import type { WebSocketLike } from '../rooms/Peer.js';
import type { PeerConnection } from '../rooms/PeerConnection.js';
import type { ServerMetrics } from '../metrics/createServerMetrics.js';
import type { AppEnv } from './AppEnv.js';

export interface HttpFallbackOptions {
  /** The checks every new connection passes (`decideConnection` in createApp). */
  decide: (request: ConnectionInput, documentName: string) => Promise<{ refuse: 429 | 503 } | Admission>;
  /** Joins an admitted client to its document and counts it (`startConnection` in createApp). */
  start: (documentName: string, admission: Admission, transport: string, makeSocket: (logger: Logger) => WebSocketLike) => StartedConnection;
  /** The client's address, as the per-address limit sees it. */
  clientAddress: (c: Context<AppEnv>) => string;
  /** Whether a page on `origin` may use the fallback (CORS), as it may open a WebSocket. */
  allowsOrigin: (origin: string, host: string | undefined) => boolean;
  maxMessageBytes: number;
  /** See `HttpSessionsOptions.idleTimeoutMs`. */
  idleTimeoutMs: number;
  metrics: ServerMetrics;
}

/** The server's side of the fallback, for metrics and the drain. */
export interface HttpFallback {
  /** Open sessions. */
  readonly size: number;
  /** Closes every session with 1012 and ends their streams and polls, cutting those whose client does not read. */
  close(): Promise<void>;
}

/** How long a drain lets streams and polls take their close before their sockets are cut. */
const STALLED_RESPONSE_GRACE_MS = 1000;

/** A long poll with nothing to return answers after this long (proxies cut idle requests at 30–60 s). */
const POLL_WAIT_MS = 20_000;
/** An open event stream gets a comment this often, so proxies do not cut it as idle. */
const STREAM_PING_MS = 15_000;

/** The HTTP status that stands for a close code, for refusals answered over HTTP. */
function statusFor(closeCode: number): 400 | 401 | 403 | 404 | 413 | 429 | 503 {
  switch (closeCode) {
    case CloseCode.badRequest:
      return 400;
    case CloseCode.unauthorized:
      return 401;
    case CloseCode.forbidden:
      return 403;
    case CloseCode.documentDeleted:
      return 404;
    case CloseCode.messageTooBig:
    case CloseCode.documentTooLarge:
      return 413;
    case CloseCode.policyViolation:
      return 429;
    default:
      return 503;
  }
}

/**
 * The HTTP fallback for clients whose WebSockets a proxy or firewall blocks: the same y-websocket
 * frames, server to client over Server-Sent Events (or long polling where a proxy buffers them),
 * client to server over POST. A session is a WebSocket as far as its room knows: it passes the
 * same admission, limits and message rate (`PeerConnection`), and its presence goes when it closes
 * or expires.
 *
 *   POST   /http/<name>?token=…                  → 201 {session, idleTimeoutMs}
 *   GET    /http/<name>/<session>/events          → text/event-stream: `open`, frames (base64), `close`
 *   GET    /http/<name>/<session>/poll?after=SEQ  → frames (`encodeFrameBatch`), X-Tandem-Seq
 *   POST   /http/<name>/<session>/messages        → 204 (body: `encodeFrameBatch`)
 *   DELETE /http/<name>/<session>                 → 204
 *
 * Errors are JSON `{error: {code, message, closeCode}}`, `closeCode` being what a WebSocket would
 * have been closed with, so clients treat both transports alike.
 */
export function registerHttpFallback(app: Hono<AppEnv>, options: HttpFallbackOptions): HttpFallback {
  const sessions = new HttpSessions({
    idleTimeoutMs: options.idleTimeoutMs,
    maxQueuedBytes: 2 * options.maxMessageBytes,
    onSent: (frame) => options.metrics.sent(frame),
  });
  /** Event streams and long polls being answered: a drain ends those a client stopped reading. */
  const openResponses = new Set<ServerResponse>();
  /** Where each open session's incoming frames go: its connection's checks, then its room. */
  const connections = new Map<string, PeerConnection>();
  const refuse = (c: Context<AppEnv>, code: string, message: string, closeCode: number) =>
    c.json({ error: { code, message, closeCode } }, statusFor(closeCode) === 503 && code === 'session-not-found' ? 404 : statusFor(closeCode));

  app.use(
    '/http/*',
    cors({
      origin: (origin, c) => (options.allowsOrigin(origin, c.req.header('host')) ? origin : null),
      allowMethods: ['GET', 'POST', 'DELETE'],
      allowHeaders: ['Content-Type'],
      exposeHeaders: ['X-Tandem-Seq'],
      maxAge: 600,
    }),
  );

  app.post('/http/:documentName', async (c) => {
    const documentName = c.req.param('documentName');
    const address = options.clientAddress(c);
    const searchParams = new URL(c.req.url).searchParams;
    const decision = await options.decide({ address, origin: c.req.header('origin'), host: c.req.header('host'), searchParams }, documentName);
    if ('refuse' in decision) {
      return decision.refuse === 429
        ? c.json({ error: { code: 'rate-limited', message: 'too many connections from this address; try again later', closeCode: CloseCode.tryAgainLater } }, 429)
        : refuse(c, 'shutting-down', 'the server is shutting down; try again shortly', CloseCode.serviceRestart);
    }
    let release = () => {};
    let session: HttpSession | undefined;
    const started = options.start(documentName, decision, 'http', () => {
      session = sessions.open({
        documentName,
        address,
        token: searchParams.get(ACCESS_TOKEN_QUERY_PARAMETER) ?? undefined,
        onClose: () => {
          if (session) connections.delete(session.id);
          release();
        },
      });
      return session;
    });
    if ('refused' in started) return refuse(c, 'refused', started.refused.reason, started.refused.code);
    release = started.release;
    if (session!.closed) release();
    else connections.set(session!.id, started.connection);
    return c.json({ session: session!.id, idleTimeoutMs: options.idleTimeoutMs }, 201);
  });

  /** The session a request names, if it is the client's own; else the answer that says why not. */
  function sessionOf(c: Context<AppEnv>): { session: HttpSession } | { answer: Response } {
    const lookup = sessions.find(c.req.param('session') ?? '', {
      documentName: c.req.param('documentName') ?? '',
      address: options.clientAddress(c),
      token: new URL(c.req.url).searchParams.get(ACCESS_TOKEN_QUERY_PARAMETER) ?? undefined,
    });
    if ('session' in lookup) return lookup;
    return lookup.problem === 'forbidden'
      ? // Not permanent either: a client whose address changed (a proxy with several exits, a phone
        // changing networks) opens a new session, which passes admission again.
        { answer: c.json({ error: { code: 'session-forbidden', message: 'this session belongs to another client address or token; open a new one', closeCode: 1001 } }, 403) }
      : // Not permanent: the client opens a new session (after a server restart, or an expiry).
        { answer: c.json({ error: { code: 'session-not-found', message: 'no such session (it expired, or the server restarted); open a new one', closeCode: 1001 } }, 404) };
  }

  app.get('/http/:documentName/:session/events', (c) => {
    const found = sessionOf(c);
    if ('answer' in found) return found.answer;
    const { session } = found;
    if (session.closed) return closedAnswer(c, session);
    // nginx would hold the stream back to fill its buffer otherwise.
    c.header('X-Accel-Buffering', 'no');
    return streamSSE(c, async (stream) => {
      let cancelRead = () => {};
      let wake: (delivery: SessionDelivery | 'aborted' | 'ping') => void = () => {};
      let aborted = false;
      stream.onAbort(() => {
        aborted = true;
        cancelRead();
        wake('aborted');
      });
      openResponses.add(c.env.outgoing);
      c.env.outgoing.once('close', () => openResponses.delete(c.env.outgoing));
      // First, and at once: a client that does not see it soon knows a proxy buffers the stream.
      await stream.writeSSE({ event: 'open', data: '' });
      for (;;) {
        // An abort during a write settles nothing that is waited for: look before waiting again.
        if (aborted || stream.aborted || stream.closed) return;
        let timer: NodeJS.Timeout | undefined;
        const next = await new Promise<SessionDelivery | 'aborted' | 'ping'>((resolve) => {
          wake = resolve;
          timer = setTimeout(() => resolve('ping'), STREAM_PING_MS);
          cancelRead = session.read('all', resolve);
        });
        clearTimeout(timer);
        cancelRead();
        if (next === 'aborted' || stream.aborted || stream.closed) return;
        if (next === 'ping') {
          await stream.write(': ping\n\n');
          continue;
        }
        if (next.kind === 'closed') {
          await stream.writeSSE({ event: 'close', data: JSON.stringify(next.close) });
          return;
        }
        // Nothing: another stream or poll took this session over.
        if (next.frames.length === 0) return;
        for (const { seq, frame } of next.frames) await stream.writeSSE({ id: String(seq), data: Buffer.from(frame).toString('base64') });
        session.forget(next.frames);
      }
    });
  });

  app.get('/http/:documentName/:session/poll', async (c) => {
    const found = sessionOf(c);
    if ('answer' in found) return found.answer;
    const { session } = found;
    const after = Number(c.req.query('after') ?? '0');
    if (!Number.isSafeInteger(after) || after < 0) return c.json({ error: { code: 'bad-request', message: 'after must be a sequence number', closeCode: CloseCode.badRequest } }, 400);
    const outgoing = c.env.outgoing;
    if (outgoing.destroyed) return c.body(null, 204);
    openResponses.add(outgoing);
    const delivery = await new Promise<SessionDelivery | null>((resolve) => {
      const timer = setTimeout(() => {
        cancel();
        resolve({ kind: 'frames', frames: [] });
      }, POLL_WAIT_MS);
      const cancel = session.read(after, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      outgoing.once('close', () => {
        openResponses.delete(outgoing);
        clearTimeout(timer);
        cancel();
        resolve(null);
      });
    });
    if (delivery === null) return c.body(null, 204);
    if (delivery.kind === 'closed') return closedAnswer(c, session);
    const last = delivery.frames.at(-1)?.seq ?? after;
    c.header('X-Tandem-Seq', String(last));
    c.header('Cache-Control', 'no-store');
    const body = encodeFrameBatch(delivery.frames.map(({ frame }) => frame));
    return c.body(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer, 200, { 'Content-Type': 'application/octet-stream' });
  });

  // A batch holds what the client queued while its previous POST was out: room for two messages at the limit.
  const maxBatchBytes = 2 * options.maxMessageBytes + 1024;
  const limitBatch = bodyLimit({
    maxSize: maxBatchBytes,
    onError: (c) => {
      const found = sessionOf(c);
      // As a WebSocket is closed for a frame over the limit: its peer and caret go at once.
      if ('session' in found) found.session.close(CloseCode.messageTooBig, `a POST carries at most ${maxBatchBytes} bytes of frames`);
      return c.json({ error: { code: 'body-too-large', message: `a POST carries at most ${maxBatchBytes} bytes of frames`, closeCode: CloseCode.messageTooBig } }, 413);
    },
  });

  app.post('/http/:documentName/:session/messages', limitBatch, async (c) => {
    const found = sessionOf(c);
    if ('answer' in found) return found.answer;
    const { session } = found;
    if (session.closed) return closedAnswer(c, session);
    let body: Uint8Array;
    try {
      body = new Uint8Array(await c.req.arrayBuffer());
    } catch {
      // The client went away mid-upload: nothing to answer, and nothing wrong with the server.
      return c.body(null, 400);
    }
    let frames: Uint8Array[];
    try {
      frames = decodeFrameBatch(body, options.maxMessageBytes);
    } catch (error) {
      const tooBig = error instanceof RangeError && error.message.startsWith('a frame of');
      session.close(tooBig ? CloseCode.messageTooBig : CloseCode.badRequest, error instanceof Error ? error.message : String(error));
      return closedAnswer(c, session);
    }
    session.lastActiveAt = Date.now();
    session.lastHeardAt = Date.now();
    // Each frame as a WebSocket message: the same checks and rate, which may close the session.
    const connection = connections.get(session.id);
    for (const frame of frames) {
      if (session.closed || !connection) break;
      connection.receive(frame.slice());
    }
    if (session.closed) return closedAnswer(c, session);
    return c.body(null, 204);
  });

  app.delete('/http/:documentName/:session', (c) => {
    const found = sessionOf(c);
    if ('answer' in found) return found.answer;
    found.session.close(1000, 'the client closed the session');
    return c.body(null, 204);
  });

  /** A closed session: the close code and reason its client would have got over a WebSocket (410, so it opens no new poll). */
  function closedAnswer(c: Context<AppEnv>, session: HttpSession): Response {
    const close = session.closed ?? { code: 1001, reason: 'closed' };
    // The status of what closed it (429 over the message rate, 413 a frame too large, 400 a broken one), else 410 Gone.
    const status = close.code === CloseCode.policyViolation || close.code === CloseCode.messageTooBig || close.code === CloseCode.badRequest ? statusFor(close.code) : 410;
    return c.json({ error: { code: 'session-closed', message: close.reason, closeCode: close.code } }, status);
  }

  return {
    get size() {
      return sessions.size;
    },
    async close() {
      // Normally the rooms closed every peer with 1012 already; this covers a drain that failed.
      sessions.closeAll(CloseCode.serviceRestart, 'server is restarting; reconnect');
      sessions.dispose();
      // A stream whose client stopped reading cannot even take its close event: cut it after a grace.
      if (openResponses.size === 0) return;
      await new Promise((resolve) => setTimeout(resolve, STALLED_RESPONSE_GRACE_MS));
      for (const response of openResponses) response.destroy();
    },
  };
}
