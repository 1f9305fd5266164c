import { connect as connectTcp } from 'node:net';
import WebSocket from 'ws';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwareness } from '../../server/protocol/encodeMessage.js';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';

const resources = new TestResources();
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

/** A raw WebSocket: resolves once it is open (or with how it was refused before opening). */
function openRaw(server: TestServer, path: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.wsUrl}/${path}`, options);
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => reject(Object.assign(new Error(`HTTP ${response.statusCode}`), { status: response.statusCode })));
    socket.once('error', reject);
  });
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string; afterMs: number }> {
  const startedAt = Date.now();
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), afterMs: Date.now() - startedAt })));
}

/** Sync step 1 with an empty state vector: what a stock client sends first. */
const SYNC_STEP_1 = new Uint8Array([0, 0, 1, 0]);
/** A query-awareness message: the smallest well-formed message. */
const QUERY_AWARENESS = new Uint8Array([3]);

describe('connection limits', () => {
  it('a full server answers 1013, which stock clients retry until a place frees up', async () => {
    const server = await resources.startServer(['--max-connections', '2']);
    const first = resources.connect(server, 'one');
    const second = resources.connect(server, 'two');
    await Promise.all([first.synced(), second.synced()]);
    const third = resources.connect(server, 'three');
    expect(await third.closedByServer()).toEqual({ code: 1013, reason: 'server is full (2 connections); try again later' });
    expect(third.provider.shouldConnect).toBe(true);
    first.provider.disconnect();
    await third.synced();
  });

  it('a full document answers 1013 while other documents still open', async () => {
    const server = await resources.startServer(['--max-connections-per-document', '2']);
    const clients = [resources.connect(server, 'crowded'), resources.connect(server, 'crowded')];
    await Promise.all(clients.map((client) => client.synced()));
    const late = resources.connect(server, 'crowded');
    expect(await late.closedByServer()).toMatchObject({ code: 1013, reason: expect.stringMatching(/document "crowded" is full \(2 connections\)/) });
    await resources.connect(server, 'quiet').synced();
  });

  it('more new connections per minute from one address than allowed get HTTP 429 with Retry-After', async () => {
    const server = await resources.startServer(['--connections-per-minute-per-ip', '3']);
    const sockets = await Promise.all([1, 2, 3].map(() => openRaw(server, 'rate')));
    const refused = await openRaw(server, 'rate').then(
      () => null,
      (error: { status?: number }) => error,
    );
    expect(refused).toMatchObject({ status: 429 });
    for (const socket of sockets) socket.close();
    // Pages and the API are not counted.
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });
});

describe('message limits', () => {
  it('a connection sending faster than its rate is closed with 1008; the others are not affected', async () => {
    const server = await resources.startServer(['--messages-per-second', '20', '--message-burst', '40']);
    const honest = resources.connect(server, 'flood');
    const watcher = resources.connect(server, 'flood');
    await Promise.all([honest.synced(), watcher.synced()]);
    const flooder = await openRaw(server, 'flood');
    const closed = closeOf(flooder);
    flooder.send(SYNC_STEP_1);
    for (let index = 0; index < 200; index += 1) flooder.send(QUERY_AWARENESS);
    expect(await closed).toMatchObject({ code: 1008, reason: 'more than 20 messages per second' });
    honest.text.insert(0, 'still editing');
    await watcher.textEquals('still editing');
    expect(honest.closeEvents).toEqual([]);
  });

  it('a peer that stops reading is dropped before the server buffers more than two messages’ worth for it', async () => {
    const server = await resources.startServer(['--max-message-bytes', '65536']);
    const writer = resources.connect(server, 'slow-reader');
    const other = resources.connect(server, 'slow-reader');
    await Promise.all([writer.synced(), other.synced()]);
    writer.text.insert(0, 'x'.repeat(40_000));
    await other.textEquals('x'.repeat(40_000));
    // Asks for the whole document again and again, and never reads the answers.
    const stalled = await openRaw(server, 'slow-reader');
    (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
    for (let index = 0; index < 1000; index += 1) stalled.send(SYNC_STEP_1);
    await waitFor(() => server.findLog((line) => line.msg === 'dropping a peer that does not read what it is sent'), {
      description: 'the server to drop the peer that does not read',
    });
    writer.text.insert(0, 'still live ');
    await other.docSatisfies((client) => client.text.toString().startsWith('still live '), 'the next change');
  });

  it('a change that would outgrow --max-document-bytes is refused with 4413; the document stays intact, and deletions still work', async () => {
    const server = await resources.startServer(['--max-document-bytes', '4096']);
    const writer = resources.connect(server, 'bounded', { wantsSavedState: true });
    const reader = resources.connect(server, 'bounded');
    await Promise.all([writer.synced(), reader.synced()]);
    writer.text.insert(0, 'a'.repeat(2000));
    await reader.textEquals('a'.repeat(2000));
    await writer.saved();

    writer.text.insert(0, 'b'.repeat(3000));
    expect(await writer.closedByServer()).toMatchObject({ code: 4413, reason: expect.stringMatching(/size limit of 4 KiB; this change was not saved/) });
    expect(writer.provider.shouldConnect).toBe(false);

    await server.restart();
    await reader.textEquals('a'.repeat(2000));
    reader.text.delete(0, 1000);
    const checker = resources.connect(server, 'bounded');
    await checker.textEquals('a'.repeat(1000));
  });
});

describe('handshake and liveness', () => {
  it('a client that never finishes its HTTP request is disconnected after the handshake timeout', async () => {
    const server = await resources.startServer(['--handshake-timeout-ms', '500']);
    const socket = connectTcp(server.port, '127.0.0.1');
    const startedAt = Date.now();
    socket.write('GET /ws/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    const afterMs = Date.now() - startedAt;
    console.log(`slow request closed after ${afterMs} ms`);
    expect(afterMs).toBeGreaterThanOrEqual(400);
    expect(afterMs).toBeLessThan(5000);
  });

  it('a WebSocket that sends nothing is closed with 1008 after the handshake timeout', async () => {
    const server = await resources.startServer(['--handshake-timeout-ms', '500']);
    const silent = await openRaw(server, 'silent');
    const closed = await closeOf(silent);
    expect(closed).toMatchObject({ code: 1008, reason: 'no message within 500 ms of connecting' });
    expect(closed.afterMs).toBeGreaterThanOrEqual(300);
  });

  it('a peer that stops answering pings is dropped and its presence disappears; a live one stays', async () => {
    const server = await resources.startServer(['--ping-interval-ms', '300']);
    const live = resources.connect(server, 'liveness');
    await live.synced();
    // A client whose network vanished: it never answers pings.
    const dead = await openRaw(server, 'liveness', { autoPong: false });
    const closed = closeOf(dead);
    const ghost = new awarenessProtocol.Awareness(new Y.Doc());
    ghost.setLocalState({ user: { name: 'Ghost', color: '#999999' } });
    dead.send(SYNC_STEP_1);
    dead.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(ghost, [ghost.clientID])));
    ghost.destroy();
    await live.presenceEquals(['Ghost']);
    await closed;
    await live.presenceEquals([]);
    // The live client answered every ping meanwhile and is still connected.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(live.closeEvents).toEqual([]);
    await waitFor(() => live.provider.wsconnected, { description: 'the live client to stay connected' });
  });
});
