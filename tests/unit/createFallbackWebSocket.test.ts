import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import {
  createFallbackWebSocket,
  type FallbackCloseEvent,
  type FallbackWebSocket,
  type FallbackWebSocketOptions,
} from '../../web/src/transport/createFallbackWebSocket.js';
import type { Transport } from '../../web/src/transport/Transport.js';
import { closedPort } from '../support/closedPort.js';
import { waitFor } from '../support/waitFor.js';
import { FakeHttpFallback } from './FakeHttpFallback.js';

/**
 * The fallback socket against real WebSockets (a `ws` server that refuses upgrades, stays silent
 * or greets) and an in-memory HTTP fallback (`FakeHttpFallback`), with timeouts of a few hundred ms.
 */

/** What the WebSocket server does with a connection, like a proxy on the way would let it. */
type WebSocketMode = 'refuse' | 'silent' | 'greet' | 'unauthorized';

/** A WebSocket server whose behaviour a test switches; counts the upgrades it was asked for. */
async function startWebSocketServer(mode: WebSocketMode): Promise<{ server: WebSocketServer; mode: WebSocketMode; attempts: number; url: string }> {
  const state = { mode, attempts: 0 };
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    verifyClient: (_info, callback) => {
      state.attempts += 1;
      // A proxy that refuses the upgrade: the browser sees an error and a close with 1006.
      if (state.mode === 'refuse') callback(false, 403);
      else callback(true);
    },
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    if (state.mode === 'greet') socket.send(FakeHttpFallback.GREETING);
    if (state.mode === 'unauthorized') socket.close(4401, 'token expired');
  });
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { server, url: `ws://127.0.0.1:${port}/ws/notes?saved=1` }) as { server: WebSocketServer; mode: WebSocketMode; attempts: number; url: string };
}

const servers: WebSocketServer[] = [];
const sockets: FallbackWebSocket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

interface Recorded {
  socket: FallbackWebSocket;
  events: string[];
  messages: Uint8Array[];
  closes: FallbackCloseEvent[];
}

/** A fallback class with short timeouts, over `http` for HTTP, recording the transports it reports. */
function fallbackClass(http: FakeHttpFallback, transports: Transport[], options: Partial<FallbackWebSocketOptions> = {}) {
  return createFallbackWebSocket({
    WebSocket: NodeWebSocket as unknown as typeof WebSocket,
    fetch: http.fetch,
    webSocketTimeoutMs: 300,
    sseOpenTimeoutMs: 300,
    probeIntervalMs: 200,
    onTransport: (transport) => transports.push(transport),
    ...options,
  });
}

/** Opens a socket the way y-websocket does (handlers set right after construction) and records what it reports. */
function open(Class: ReturnType<typeof createFallbackWebSocket>, url: string): Recorded {
  const socket = new Class(url);
  sockets.push(socket);
  socket.binaryType = 'arraybuffer';
  const recorded: Recorded = { socket, events: [], messages: [], closes: [] };
  socket.onopen = () => recorded.events.push('open');
  socket.onmessage = (event) => {
    if (!(event.data instanceof ArrayBuffer)) throw new TypeError('expected an ArrayBuffer');
    recorded.events.push('message');
    recorded.messages.push(new Uint8Array(event.data));
  };
  socket.onclose = (event) => {
    recorded.events.push(`close ${event.code}`);
    recorded.closes.push(event);
  };
  socket.onerror = () => recorded.events.push('error');
  return recorded;
}

function until<T>(check: () => T | undefined | false, description: string): Promise<T> {
  return waitFor(check, { description, timeoutMs: 5000 });
}

describe('createFallbackWebSocket: a WebSocket that works', () => {
  it('is used as is: open once the server greets, messages both ways, no HTTP at all', async () => {
    const ws = await startWebSocketServer('greet');
    const received: Buffer[] = [];
    ws.server.on('connection', (socket) => socket.on('message', (data: Buffer) => received.push(data)));
    const http = new FakeHttpFallback();
    const transports: Transport[] = [];
    const { socket, events, messages } = open(fallbackClass(http, transports), ws.url);
    expect(socket.readyState).toBe(socket.CONNECTING);
    await until(() => events.includes('message'), 'the greeting');
    expect(events).toEqual(['open', 'message']);
    expect(messages).toEqual([FakeHttpFallback.GREETING]);
    expect(socket.readyState).toBe(socket.OPEN);
    expect(socket.transport).toBe('websocket');
    expect(transports).toEqual(['websocket']);
    socket.send(Uint8Array.of(9, 8, 7));
    await until(() => received.length === 1, 'the frame on the server');
    expect([...received[0]!]).toEqual([9, 8, 7]);
    expect(http.requests).toEqual([]);
  });

  it('passes on a close the server decided (4401) instead of falling back', async () => {
    const ws = await startWebSocketServer('unauthorized');
    const http = new FakeHttpFallback();
    const { events, closes } = open(fallbackClass(http, []), ws.url);
    await until(() => closes.length === 1, 'the close');
    expect(closes[0]).toMatchObject({ code: 4401, reason: 'token expired' });
    expect(events).toEqual(['close 4401']);
    expect(http.requests).toEqual([]);
  });

  it('is a plain WebSocket for a URL without /ws/<documentName>: a refusal is just a close', async () => {
    const http = new FakeHttpFallback();
    const { closes } = open(fallbackClass(http, []), `ws://127.0.0.1:${await closedPort()}/collab/notes`);
    await until(() => closes.length === 1, 'the close');
    expect(closes[0]?.code).toBe(1006);
    expect(http.requests).toEqual([]);
  });
});

describe('createFallbackWebSocket: falling back to HTTP', () => {
  it('carries on over Server-Sent Events when the WebSocket is refused, frames in order both ways', async () => {
    const http = new FakeHttpFallback();
    const transports: Transport[] = [];
    const { socket, events, messages, closes } = open(fallbackClass(http, transports), `ws://127.0.0.1:${await closedPort()}/ws/notes?saved=1&token=abc`);
    await until(() => events.includes('message'), 'the greeting over HTTP');
    expect(events).toEqual(['open', 'message']);
    expect(messages).toEqual([FakeHttpFallback.GREETING]);
    expect(socket.transport).toBe('http-sse');
    expect(transports).toEqual(['http-sse']);
    const session = http.session(0);

    // Sent while a POST is in flight, frames wait and go together in the next: all in order.
    for (let index = 1; index <= 5; index += 1) socket.send(Uint8Array.of(index));
    socket.send(new Uint8Array([6, 6]).buffer);
    await until(() => session.received.flat().length === 6, 'six frames on the server');
    expect(session.received.flat()).toEqual([Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3), Uint8Array.of(4), Uint8Array.of(5), Uint8Array.of(6, 6)]);
    expect(session.received.length).toBeLessThan(6);

    http.push(session.id, Uint8Array.of(1, 2, 3));
    await until(() => messages.length === 2, 'a pushed frame');
    expect(messages[1]).toEqual(Uint8Array.of(1, 2, 3));

    // The server closes the session with a close code: reported as a WebSocket would.
    http.close(session.id, 4404, 'the document was deleted');
    await until(() => closes.length === 1, 'the close');
    expect(closes[0]).toMatchObject({ code: 4404, reason: 'the document was deleted' });
    expect(socket.readyState).toBe(socket.CLOSED);
    expect(http.requests.filter((request) => request.startsWith('POST /http/notes/s1/messages')).length).toBe(session.received.length);
  });

  it('falls back when the WebSocket opens but says nothing within the timeout', async () => {
    const ws = await startWebSocketServer('silent');
    const http = new FakeHttpFallback();
    const transports: Transport[] = [];
    const startedAt = Date.now();
    const { events } = open(fallbackClass(http, transports), ws.url);
    await until(() => events.includes('message'), 'the greeting over HTTP');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300);
    expect(transports).toEqual(['http-sse']);
    expect(events).toEqual(['open', 'message']);
  });

  it('polls, in a new session, when the event stream is held back by a proxy', async () => {
    const http = new FakeHttpFallback();
    http.bufferEvents = true;
    const transports: Transport[] = [];
    const { socket, events, messages } = open(fallbackClass(http, transports), `ws://127.0.0.1:${await closedPort()}/ws/notes`);
    await until(() => events.includes('message'), 'the greeting by polling');
    expect(socket.transport).toBe('http-poll');
    expect(transports).toEqual(['http-poll']);
    // The first session's stream may hold frames that never come out: it is dropped, a second one polled.
    expect(http.session(0).deleted).toBe(true);
    const session = http.session(1);
    expect(messages).toEqual([FakeHttpFallback.GREETING]);

    http.push(session.id, Uint8Array.of(4));
    http.push(session.id, Uint8Array.of(5));
    await until(() => messages.length === 3, 'two more frames');
    expect(messages.slice(1)).toEqual([Uint8Array.of(4), Uint8Array.of(5)]);
    // Each poll acknowledged what the one before brought.
    const polls = http.requests.filter((request) => request.endsWith('/poll'));
    expect(polls.length).toBeGreaterThanOrEqual(2);
    socket.send(Uint8Array.of(7));
    await until(() => session.received.length === 1, 'a frame sent while polling');
  });

  it('reports a refused session as the close code the server names, without opening', async () => {
    const http = new FakeHttpFallback();
    http.refuseNextSession = { status: 403, error: { code: 'forbidden', message: 'this token does not cover "notes"', closeCode: 4403 } };
    const { events, closes } = open(fallbackClass(http, []), `ws://127.0.0.1:${await closedPort()}/ws/notes`);
    await until(() => closes.length === 1, 'the close');
    expect(events).toEqual(['close 4403']);
    expect(closes[0]?.reason).toBe('this token does not cover "notes"');
  });

  it('reports a lost connection (1006) when neither WebSocket nor HTTP gets through', async () => {
    const http = new FakeHttpFallback();
    const unreachable: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    const { events, closes } = open(fallbackClass(http, [], { fetch: unreachable }), `ws://127.0.0.1:${await closedPort()}/ws/notes`);
    await until(() => closes.length === 1, 'the close');
    expect(events).toEqual(['close 1006']);
    expect(closes[0]?.reason).toContain('fetch failed');
  });

  it('reports a lost connection (1006) when the event stream ends without a close, or the server forgot the session', async () => {
    const http = new FakeHttpFallback();
    const Class = fallbackClass(http, []);
    const url = `ws://127.0.0.1:${await closedPort()}/ws/notes`;
    const first = open(Class, url);
    await until(() => first.events.includes('message'), 'the first greeting');
    // The server forgets the session (a restart): the next POST answers 404.
    http.sessions.splice(0);
    first.socket.send(Uint8Array.of(1));
    await until(() => first.closes.length === 1, 'the first close');
    expect(first.closes[0]?.code).toBe(1006);

    const second = open(Class, url);
    await until(() => second.events.includes('message'), 'the second greeting');
    http.session(0).cutStream?.();
    await until(() => second.closes.length === 1, 'the second close');
    expect(second.closes[0]).toMatchObject({ code: 1006, reason: 'the event stream ended' });
    // Lost on the client's side, the session is let go on the server's at once.
    await until(() => http.session(0).deleted, 'the cut session deleted');
  });
});

describe('createFallbackWebSocket: remembering and moving back', () => {
  it('sends the next socket straight to HTTP, and moves back to a WebSocket once one works', async () => {
    const ws = await startWebSocketServer('refuse');
    const http = new FakeHttpFallback();
    const transports: Transport[] = [];
    // Probing is slow here, so the second socket is made before a probe gets through.
    const Class = fallbackClass(http, transports, { probeIntervalMs: 1500 });
    const first = open(Class, ws.url);
    await until(() => first.events.includes('message'), 'the first socket on HTTP');
    expect(ws.attempts).toBe(1);
    first.socket.close();
    await until(() => first.closes.length === 1, 'the first socket closed');

    const second = open(Class, ws.url);
    await until(() => second.events.includes('message'), 'the second socket on HTTP');
    // No WebSocket tried, no timeout waited for.
    expect(ws.attempts).toBe(1);
    expect(transports).toEqual(['http-sse', 'http-sse']);

    // The proxy lets WebSockets through now: the next probe finds out, and the socket makes way.
    ws.mode = 'greet';
    await until(() => second.closes.length === 1, 'the switch');
    expect(second.closes[0]).toMatchObject({ code: 3000, reason: 'switching to WebSocket' });
    expect(http.session(1).deleted).toBe(true);

    const third = open(Class, ws.url);
    await until(() => third.events.includes('message'), 'the third socket');
    expect(third.socket.transport).toBe('websocket');
    expect(transports).toEqual(['http-sse', 'http-sse', 'websocket']);
  });

  it('keeps probing while WebSockets stay blocked, and stays on HTTP', async () => {
    const ws = await startWebSocketServer('refuse');
    const http = new FakeHttpFallback();
    const { socket, events } = open(fallbackClass(http, [], { probeIntervalMs: 100 }), ws.url);
    await until(() => events.includes('message'), 'on HTTP');
    await until(() => ws.attempts >= 3, 'two probes');
    expect(socket.readyState).toBe(socket.OPEN);
    expect(socket.transport).toBe('http-sse');
  });
});

describe('createFallbackWebSocket: closing', () => {
  it('sends what is queued, then deletes the session; the close event comes after close() returns', async () => {
    const http = new FakeHttpFallback();
    const { socket, events } = open(fallbackClass(http, []), `ws://127.0.0.1:${await closedPort()}/ws/notes`);
    await until(() => events.includes('message'), 'on HTTP');
    // As y-websocket's disconnect(): a last awareness frame, then close() at once.
    socket.send(Uint8Array.of(1));
    socket.send(Uint8Array.of(2));
    socket.close();
    expect(socket.readyState).toBe(socket.CLOSING);
    expect(events).not.toContain('close 1005');
    await until(() => http.session(0).deleted, 'the session deleted');
    expect(http.session(0).received.flat()).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
    const requests = http.requests.filter((request) => !request.endsWith('/events'));
    expect(requests.at(-1)).toBe('DELETE /http/notes/s1');
    expect(events.at(-1)).toBe('close 1005');
    expect(socket.readyState).toBe(socket.CLOSED);
    // Closed means closed: more frames are dropped, a second close() does nothing.
    socket.send(Uint8Array.of(3));
    socket.close();
    expect(http.session(0).received.flat()).toHaveLength(2);
  });

  it('closed while the WebSocket is on trial, starts no HTTP session', async () => {
    const ws = await startWebSocketServer('silent');
    const http = new FakeHttpFallback();
    const { socket, events } = open(fallbackClass(http, []), ws.url);
    socket.close();
    await until(() => events.length === 1, 'the close');
    expect(events).toEqual(['close 1005']);
    // Longer than the WebSocket timeout: nothing falls back after the close.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(http.requests).toEqual([]);
  });

  it('refuses to send before it is open, as a WebSocket does', async () => {
    const ws = await startWebSocketServer('silent');
    const { socket } = open(fallbackClass(new FakeHttpFallback(), []), ws.url);
    expect(() => socket.send(Uint8Array.of(1))).toThrow(/before the socket is open/);
  });
});
