import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeFrameBatch, encodeFrameBatch } from '../../common/frameBatch.js';
import WebSocket from 'ws';
import { createFallbackWebSocket } from '../../web/src/transport/createFallbackWebSocket.js';
import type { Transport } from '../../web/src/transport/Transport.js';
import { closedPort } from '../support/closedPort.js';
import { signTestToken } from '../support/signTestToken.js';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import { waitFor, waitForAsync } from '../support/waitFor.js';
import type { YjsClient } from '../support/YjsClient.js';

// The HTTP fallback's server side, spoken by hand over real HTTP to a real server process.
const resources = new TestResources();
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

const SECRET = 'http-fallback-test-secret-0123456789abcdef';

interface ErrorAnswer {
  error: { code: string; message: string; closeCode: number };
}

/** An awareness message (y-websocket type 1) announcing `name` as client `clientId`. */
function presenceFrame(clientId: number, name: string): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = clientId;
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalStateField('user', { name, color: '#123456' });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]));
  awareness.destroy();
  return encoding.toUint8Array(encoder);
}

/** A query-awareness message (y-websocket type 3): the cheapest frame there is. */
const QUERY_AWARENESS = new Uint8Array([3]);

class Session {
  constructor(
    readonly base: string,
    readonly id: string,
    readonly query: string,
    readonly headers: Record<string, string>,
  ) {}

  static async open(server: TestServer, documentName: string, options: { query?: string; headers?: Record<string, string> } = {}): Promise<Session | { status: number; body: ErrorAnswer }> {
    const base = `${server.httpUrl}/http/${documentName}`;
    const response = await fetch(`${base}${options.query ? `?${options.query}` : ''}`, { method: 'POST', headers: options.headers });
    const body = (await response.json()) as { session: string } | ErrorAnswer;
    if (response.status !== 201) return { status: response.status, body: body as ErrorAnswer };
    return new Session(base, (body as { session: string }).session, options.query ?? '', options.headers ?? {});
  }

  url(path: string, extra = ''): string {
    const query = [this.query, extra].filter((part) => part !== '').join('&');
    return `${this.base}/${this.id}${path}${query ? `?${query}` : ''}`;
  }

  post(frames: Uint8Array[], headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.url('/messages'), { method: 'POST', body: Buffer.from(encodeFrameBatch(frames)), headers: { 'Content-Type': 'application/octet-stream', ...this.headers, ...headers } });
  }

  poll(after: number, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.url('/poll', `after=${after}`), { headers: { ...this.headers, ...headers } });
  }
}

/** Reads an event stream as it arrives: `readUntil(pattern)` resolves once everything read so far matches. */
function eventStreamReader(response: Response): (pattern: RegExp) => Promise<boolean> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  return (pattern) =>
    waitForAsync(
      async () => {
        const { value, done } = await reader.read();
        if (value) text += value;
        return pattern.test(text) || done;
      },
      { description: `the stream to match ${pattern}`, intervalMs: 0 },
    );
}

async function openSession(server: TestServer, documentName: string, options: { query?: string; headers?: Record<string, string> } = {}): Promise<Session> {
  const session = await Session.open(server, documentName, options);
  if (!(session instanceof Session)) throw new Error(`could not open a session: ${session.status} ${JSON.stringify(session.body)}`);
  return session;
}

describe('the HTTP fallback, server side', () => {
  it('refuses a session as a WebSocket would be refused, with the same close codes', async () => {
    const server = await resources.startServer([], { env: { AUTH_SECRET: SECRET } });
    const noToken = await Session.open(server, 'notes');
    expect(noToken).toMatchObject({ status: 401, body: { error: { closeCode: 4401 } } });
    const token = await signTestToken(SECRET, { documents: ['other'] });
    expect(await Session.open(server, 'notes', { query: `token=${token}` })).toMatchObject({ status: 403, body: { error: { closeCode: 4403 } } });
    expect(await Session.open(server, '-bad-name', { query: `token=${token}` })).toMatchObject({ status: 400, body: { error: { closeCode: 4400 } } });
  });

  it('delivers what the room sends by long polling, acknowledging with `after`, and shows the session’s presence to WebSocket peers', async () => {
    const server = await resources.startServer();
    const viewer = resources.connect(server, 'polled');
    await viewer.synced();
    viewer.text.insert(0, 'hello from a WebSocket');
    const session = await openSession(server, 'polled');
    const first = await session.poll(0);
    expect(first.status).toBe(200);
    const seq = Number(first.headers.get('x-tandem-seq'));
    const frames = decodeFrameBatch(new Uint8Array(await first.arrayBuffer()));
    // The room's handshake: its sync step 1 first, as a WebSocket peer gets it.
    expect(frames[0]![0]).toBe(0);
    expect(seq).toBe(frames.length);
    expect((await session.post([presenceFrame(4242, 'Polly')])).status).toBe(204);
    await viewer.presenceEquals(['Polly']);
    // A repeated poll with the same `after` gets the same frames again (a lost answer is not lost).
    const again = decodeFrameBatch(new Uint8Array(await (await session.poll(0)).arrayBuffer()));
    expect(again.length).toBeGreaterThanOrEqual(frames.length);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tandem_http_fallback_sessions 1$/m);
    expect(metrics).toMatch(/^tandem_open_connections 2$/m);
  });

  it('refuses an unknown or foreign session id, and one whose client stopped fetching expires without leaving a ghost', async () => {
    const server = await resources.startServer(['--trust-proxy', '--http-session-timeout-ms', '1500']);
    const viewer = resources.connect(server, 'expiring');
    await viewer.synced();
    const session = await openSession(server, 'expiring', { headers: { 'X-Forwarded-For': '10.0.0.1' } });
    expect((await session.post([presenceFrame(777, 'Ghost')])).status).toBe(204);
    await viewer.presenceEquals(['Ghost']);

    const foreign = await session.poll(0, { 'X-Forwarded-For': '10.0.0.2' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as ErrorAnswer).error.code).toBe('session-forbidden');
    const guessed = await fetch(`${server.httpUrl}/http/expiring/${'A'.repeat(43)}/poll?after=0`);
    expect(guessed.status).toBe(404);
    expect(((await guessed.json()) as ErrorAnswer).error).toMatchObject({ code: 'session-not-found', closeCode: 1001 });

    // Nobody polls: the session expires, and its person leaves.
    await viewer.presenceEquals([], 10_000);
    const late = await session.post([QUERY_AWARENESS]);
    expect(late.status).toBe(410);
    expect(((await late.json()) as ErrorAnswer).error.closeCode).toBe(1001);
  });

  it('binds a session to the token that opened it', async () => {
    const server = await resources.startServer([], { env: { AUTH_SECRET: SECRET } });
    const [mine, theirs] = await Promise.all([signTestToken(SECRET, { documents: ['shared'], name: 'Me' }), signTestToken(SECRET, { documents: ['shared'], name: 'Them' })]);
    const session = await openSession(server, 'shared', { query: `token=${mine}` });
    expect((await session.poll(0)).status).toBe(200);
    const stolen = await fetch(`${session.base}/${session.id}/poll?after=0&token=${theirs}`);
    expect(stolen.status).toBe(403);
  });

  it('rate-limits a flood of POSTs like WebSocket messages: the session is closed with 1008', async () => {
    const server = await resources.startServer(['--messages-per-second', '5', '--message-burst', '10']);
    const session = await openSession(server, 'flooded');
    const statuses: number[] = [];
    let closeCode: number | undefined;
    for (let index = 0; index < 40 && closeCode === undefined; index += 1) {
      const response = await session.post([QUERY_AWARENESS]);
      statuses.push(response.status);
      if (response.status !== 204) closeCode = ((await response.json()) as ErrorAnswer).error.closeCode;
    }
    expect(statuses.at(-1)).toBe(429);
    expect(closeCode).toBe(1008);
    expect(statuses.filter((status) => status === 204).length).toBeGreaterThanOrEqual(9);
    expect(server.findLog((line) => line.msg.includes('rate') && line.transport === 'http')).toBeDefined();
    // The polls of a closed session say why, too.
    expect((await session.poll(0)).status).toBe(429);
  });

  it('closes a session that posts a frame larger than the message limit with 1009, or a broken batch with 4400', async () => {
    const server = await resources.startServer(['--max-message-bytes', '2048']);
    const big = await openSession(server, 'limits');
    const tooBig = await big.post([new Uint8Array(4096)]);
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as ErrorAnswer).error.closeCode).toBe(1009);
    // A body past the batch limit is refused before it is read into memory.
    const flooder = await openSession(server, 'limits');
    const huge = await fetch(flooder.url('/messages'), { method: 'POST', body: Buffer.alloc(64 * 1024) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as ErrorAnswer).error).toMatchObject({ code: 'body-too-large', closeCode: 1009 });
    const broken = await openSession(server, 'limits');
    const response = await fetch(broken.url('/messages'), { method: 'POST', body: Buffer.from([200]) });
    expect(((await response.json()) as ErrorAnswer).error.closeCode).toBe(4400);
  });

  it('streams frames as Server-Sent Events, with an `open` event first and a `close` event when the room closes it', async () => {
    const server = await resources.startServer();
    const session = await openSession(server, 'streamed');
    const controller = new AbortController();
    const response = await fetch(session.url('/events'), { signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const readUntil = eventStreamReader(response);
    await readUntil(/event: open\n/);
    // The room's sync step 1, base64.
    await readUntil(/\ndata: [A-Za-z0-9+/=]+\n/);
    const deletion = await fetch(`${server.httpUrl}/api/documents/streamed`, { method: 'DELETE' });
    // Nothing was written, so there is no document; create one through the API to delete it while the session is in it.
    if (deletion.status === 404) {
      await fetch(`${server.httpUrl}/api/documents`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ name: 'streamed', content: '# x', format: 'markdown' }) });
      await fetch(`${server.httpUrl}/api/documents/streamed`, { method: 'DELETE' });
    }
    await readUntil(/event: close\ndata: \{"code":4404/);
    controller.abort();
  });

  it('a drain closes open event streams with 1012 and long polls with their close, and the server exits cleanly', async () => {
    const server = await resources.startServer();
    const streamed = await openSession(server, 'draining');
    const polled = await openSession(server, 'draining');
    const response = await fetch(streamed.url('/events'));
    const readUntil = eventStreamReader(response);
    await readUntil(/event: open\n/);
    // Past the handshake frames, so the poll waits.
    const first = await polled.poll(0);
    const waiting = polled.poll(Number(first.headers.get('x-tandem-seq')));
    // Until the server holds it: the event stream, the poll, and this scrape itself.
    await waitForAsync(async () => /^tandem_http_requests_in_flight 3$/m.test(await (await fetch(`${server.httpUrl}/metrics`)).text()), {
      description: 'the poll to wait on the server',
    });
    const startedAt = Date.now();
    const exited = server.stop('SIGTERM');
    await readUntil(/event: close\ndata: \{"code":1012/);
    const answer = await waiting;
    expect(answer.status).toBe(410);
    expect(((await answer.json()) as ErrorAnswer).error.closeCode).toBe(1012);
    expect(await exited).toBe(0);
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('a stock WebsocketProvider with the fallback class, WebSockets blocked, co-edits over HTTP, survives a server restart and resumes syncing', async () => {
    const server = await resources.startServer();
    // What a proxy that refuses WebSockets looks like to a client: every upgrade is refused at once.
    const refusedPort = await closedPort();
    class BlockedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address.replace(/:\d+\//, `:${refusedPort}/`), protocols);
      }
    }
    const transports: Transport[] = [];
    const Fallback = createFallbackWebSocket({
      WebSocket: BlockedWebSocket as unknown as typeof globalThis.WebSocket,
      onTransport: (transport) => transports.push(transport),
    });
    const blocked: YjsClient = resources.connect(server, 'firewalled', { wantsSavedState: true, WebSocket: Fallback as unknown as typeof WebSocket });
    const open = resources.connect(server, 'firewalled');
    await Promise.all([blocked.synced(), open.synced()]);
    expect(transports).toContain('http-sse');
    blocked.provider.awareness.setLocalStateField('user', { name: 'Blocked' });
    open.provider.awareness.setLocalStateField('user', { name: 'Open' });
    blocked.text.insert(0, 'over HTTP. ');
    await open.textEquals('over HTTP. ');
    open.text.insert(open.text.length, 'over WebSocket. ');
    await blocked.textEquals('over HTTP. over WebSocket. ');
    await open.presenceEquals(['Blocked']);
    await blocked.presenceEquals(['Open']);
    await blocked.saved();

    await server.restart();
    blocked.text.insert(blocked.text.length, 'after the restart.');
    await open.textEquals('over HTTP. over WebSocket. after the restart.', 20_000);
    await blocked.saved(20_000);
    await open.presenceEquals(['Blocked'], 20_000);
    // Still over HTTP: the WebSocket stays refused.
    expect(transports.every((transport) => transport !== 'websocket')).toBe(true);
    expect(server.findLog((line) => line.transport === 'http' && line.msg.includes('refusing'))).toBeUndefined();
    await waitFor(() => blocked.provider.wsconnected, { description: 'the fallback client to be connected' });
  }, 60_000);
});

