import { decodeFrameBatch, encodeFrameBatch } from '../../common/frameBatch.js';

/** A refusal as the server's HTTP fallback answers it. */
export interface FakeRefusal {
  status: number;
  error: { code: string; message: string; closeCode?: number };
}

interface FakeSession {
  id: string;
  /** Frames for the client not yet acknowledged (polling) or streamed (SSE). */
  outbox: { seq: number; frame: Uint8Array }[];
  nextSeq: number;
  /** Frames the client POSTed, one array per request. */
  received: Uint8Array[][];
  closed: { code: number; reason: string } | null;
  deleted: boolean;
  /** Wakes the pending event stream or poll. */
  wake: (() => void) | null;
  /** Ends the open event stream without a close event, as a proxy cutting it would. */
  cutStream: (() => void) | null;
}

/**
 * An in-memory stand-in for the server's HTTP fallback, as a `fetch` function: the wire contract
 * (sessions, Server-Sent Events, long polling, batched POSTs, DELETE) without a server, so the
 * fallback socket's own logic can be tested with timeouts of a few hundred milliseconds.
 * Every new session is greeted with `GREETING`, as a Tandem server greets with a sync step.
 */
export class FakeHttpFallback {
  static readonly GREETING = Uint8Array.of(0, 0, 1, 0);
  readonly sessions: FakeSession[] = [];
  /** Every request, as `METHOD /path`, in order. */
  readonly requests: string[] = [];
  /** A proxy that holds event streams back: the `open` event never arrives. */
  bufferEvents = false;
  /** The answer to the next session request, instead of a session. */
  refuseNextSession: FakeRefusal | null = null;

  readonly fetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? 'GET';
    this.requests.push(`${method} ${url.pathname}`);
    const [, , , sessionId, action] = url.pathname.split('/');
    if (method === 'POST' && sessionId === undefined) return this.#create();
    const session = this.sessions.find((candidate) => candidate.id === sessionId);
    if (!session) return json(404, { code: 'session-not-found', message: 'no such session', closeCode: 1001 });
    if (method === 'DELETE') {
      session.deleted = true;
      this.close(session.id, 1000, 'the client closed the session');
      return new Response(null, { status: 204 });
    }
    if (action === 'messages') {
      if (session.closed) return json(410, { code: 'session-closed', message: session.closed.reason, closeCode: session.closed.code });
      session.received.push(decodeFrameBatch(new Uint8Array(await new Response(init?.body).arrayBuffer())));
      return new Response(null, { status: 204 });
    }
    if (action === 'events') return this.#events(session, init?.signal ?? undefined);
    if (action === 'poll') return this.#poll(session, Number(url.searchParams.get('after')), init?.signal ?? undefined);
    return json(400, { code: 'bad-request', message: `no route for ${method} ${url.pathname}`, closeCode: 4400 });
  };

  /** The session created `index`-th (0 first). */
  session(index: number): FakeSession {
    const session = this.sessions[index];
    if (!session) throw new Error(`no session #${index}; there are ${this.sessions.length}`);
    return session;
  }

  /** Sends a frame to the client of a session. */
  push(sessionId: string, frame: Uint8Array): void {
    const session = this.#require(sessionId);
    session.outbox.push({ seq: session.nextSeq++, frame });
    session.wake?.();
  }

  /** Closes a session as the server would (a deleted document, say). */
  close(sessionId: string, code: number, reason: string): void {
    const session = this.#require(sessionId);
    session.closed ??= { code, reason };
    session.wake?.();
  }

  #require(sessionId: string): FakeSession {
    const session = this.sessions.find((candidate) => candidate.id === sessionId);
    if (!session) throw new Error(`no session ${sessionId}`);
    return session;
  }

  #create(): Response {
    const refusal = this.refuseNextSession;
    if (refusal) {
      this.refuseNextSession = null;
      return json(refusal.status, refusal.error);
    }
    const session: FakeSession = { id: `s${this.sessions.length + 1}`, outbox: [], nextSeq: 1, received: [], closed: null, deleted: false, wake: null, cutStream: null };
    this.sessions.push(session);
    this.push(session.id, FakeHttpFallback.GREETING);
    return new Response(JSON.stringify({ session: session.id, idleTimeoutMs: 30_000 }), { status: 201, headers: { 'content-type': 'application/json' } });
  }

  #events(session: FakeSession, signal: AbortSignal | undefined): Response {
    const encoder = new TextEncoder();
    const buffered = this.bufferEvents;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        signal?.addEventListener('abort', () => {
          session.wake = null;
          controller.error(signal.reason);
        });
        if (buffered) return;
        const write = (text: string) => controller.enqueue(encoder.encode(text));
        write('event: open\ndata: \n\n');
        const flush = () => {
          for (const { seq, frame } of session.outbox.splice(0)) write(`id: ${seq}\ndata: ${Buffer.from(frame).toString('base64')}\n\n`);
          if (session.closed) {
            write(`event: close\ndata: ${JSON.stringify(session.closed)}\n\n`);
            session.wake = null;
            controller.close();
          }
        };
        session.wake = flush;
        session.cutStream = () => {
          session.wake = null;
          controller.close();
        };
        flush();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }

  async #poll(session: FakeSession, after: number, signal: AbortSignal | undefined): Promise<Response> {
    session.outbox = session.outbox.filter(({ seq }) => seq > after);
    if (session.outbox.length === 0 && !session.closed) {
      await new Promise<void>((resolve, reject) => {
        session.wake = resolve;
        signal?.addEventListener('abort', () => reject(signal.reason as Error));
      });
      session.wake = null;
    }
    if (session.outbox.length === 0 && session.closed) return json(410, { code: 'session-closed', message: session.closed.reason, closeCode: session.closed.code });
    const frames = [...session.outbox];
    const body = encodeFrameBatch(frames.map(({ frame }) => frame));
    return new Response(Buffer.from(body), { status: 200, headers: { 'content-type': 'application/octet-stream', 'X-Tandem-Seq': String(frames.at(-1)?.seq ?? after) } });
  }
}

function json(status: number, error: FakeRefusal['error']): Response {
  return new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } });
}
