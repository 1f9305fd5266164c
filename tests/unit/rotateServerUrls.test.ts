import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { readServerUrls } from '../../web/src/editor/readServerUrls.js';
import { rotateServerUrls } from '../../web/src/editor/rotateServerUrls.js';
import { closedPort } from '../support/closedPort.js';
import { waitFor } from '../support/waitFor.js';

const A = 'ws://a.example.com/ws';
const B = 'ws://b.example.com/ws';
const C = 'ws://c.example.com/ws';

describe('readServerUrls (the serverUrl option)', () => {
  it('takes one URL or a list, in order, without trailing slashes', () => {
    expect(readServerUrls('wss://docs.example.com/ws')).toEqual(['wss://docs.example.com/ws']);
    expect(readServerUrls([`${A}/`, B, 'wss://127.0.0.1:1234'])).toEqual([A, B, 'wss://127.0.0.1:1234']);
  });

  it('refuses an empty list and anything but ws:// and wss:// URLs, saying which', () => {
    expect(() => readServerUrls([])).toThrow(new RangeError('serverUrl needs a ws:// or wss:// URL, or a non-empty list of them; got []'));
    expect(() => readServerUrls('https://docs.example.com/ws')).toThrow(/^serverUrl "https:\/\/docs.example.com\/ws" is not a ws:\/\/ or wss:\/\/ URL/);
    expect(() => readServerUrls([A, 'docs.example.com/ws'])).toThrow(/^serverUrl "docs.example.com\/ws" is not/);
    // From plain JavaScript, anything can arrive.
    expect(() => readServerUrls([A, 42] as unknown as string[])).toThrow(/^serverUrl 42 is not/);
    expect(() => readServerUrls(undefined as unknown as string)).toThrow(RangeError);
  });
});

/** Providers made by a test: destroyed after it, so no socket or timer outlives it. */
const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
});

function provider(serverUrl: string, options: { connect: boolean }): WebsocketProvider {
  const created = new WebsocketProvider(serverUrl, 'notes', new Y.Doc(), { connect: options.connect, disableBc: true, WebSocketPolyfill: NodeWebSocket as unknown as typeof WebSocket });
  providers.push(created);
  return created;
}

/** What y-websocket emits when the server (or the network) closed the connection with `code`. */
function closeFromServer(target: WebsocketProvider, code: number): void {
  target.emit('connection-close', [{ code, reason: '' } as CloseEvent, target]);
}

describe('rotateServerUrls (failover between instances)', () => {
  it('moves on to the next server, in order and around, whenever a connection is lost or cannot open', () => {
    const target = provider(A, { connect: false });
    const rotation = rotateServerUrls(target, [A, B, C]);
    expect(rotation.serverUrl).toBe(A);
    expect(target.url).toBe(`${A}/notes`);

    closeFromServer(target, 1006); // the socket dropped, or never opened
    expect(rotation.serverUrl).toBe(B);
    expect(target.url).toBe(`${B}/notes`);
    closeFromServer(target, 1012); // the server is restarting
    expect(target.serverUrl).toBe(C);
    closeFromServer(target, 4500); // "try again later"
    expect(target.serverUrl).toBe(A);
  });

  it('stays put on a permanent close (4400–4499) and when this client closed the socket on purpose', () => {
    const target = provider(A, { connect: false });
    const rotation = rotateServerUrls(target, [A, B]);
    for (const code of [4400, 4401, 4403, 4404, 4413]) closeFromServer(target, code);
    expect(rotation.serverUrl).toBe(A);

    // disconnect() and destroy() clear shouldConnect before the socket closes.
    target.shouldConnect = false;
    target.emit('connection-close', [null, target]);
    expect(rotation.serverUrl).toBe(A);
  });

  it('stays put when the HTTP fallback makes way for a WebSocket (3000): that server is fine', () => {
    const target = provider(A, { connect: false });
    const rotation = rotateServerUrls(target, [A, B]);
    closeFromServer(target, 3000);
    expect(rotation.serverUrl).toBe(A);
  });

  it('moves on when the watchdog closes a connection to a server that went silent', () => {
    const target = provider(A, { connect: false });
    const rotation = rotateServerUrls(target, [A, B]);
    target.shouldConnect = true;
    target.emit('connection-close', [null, target]);
    expect(rotation.serverUrl).toBe(B);
  });

  it('never changes a single server, and stops after destroy()', () => {
    const single = provider(A, { connect: false });
    const alone = rotateServerUrls(single, [A]);
    closeFromServer(single, 1006);
    expect(alone.serverUrl).toBe(A);
    expect(single.serverUrl).toBe(A);

    const target = provider(A, { connect: false });
    const rotation = rotateServerUrls(target, [A, B]);
    rotation.destroy();
    closeFromServer(target, 1006);
    expect(rotation.serverUrl).toBe(A);
    expect(target.serverUrl).toBe(A);
  });

  describe('with real sockets', () => {
    let server: WebSocketServer | null = null;
    afterEach(async () => {
      const closing = server;
      server = null;
      if (!closing) return;
      // Runs before the providers are destroyed: close() would wait for their sockets.
      for (const client of closing.clients) client.terminate();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    });

    it('reaches the second server when nothing answers at the first', async () => {
      const listening = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      server = listening;
      const paths: string[] = [];
      listening.on('connection', (_socket, request) => paths.push(request.url ?? ''));
      await new Promise<void>((resolve) => listening.once('listening', resolve));
      const dead = `ws://127.0.0.1:${await closedPort()}/ws`;
      const alive = `ws://127.0.0.1:${(listening.address() as { port: number }).port}/ws`;

      const target = provider(dead, { connect: false });
      const rotation = rotateServerUrls(target, readServerUrls([dead, alive]));
      target.connect();
      await waitFor(() => target.wsconnected, { description: 'the provider to connect to the second server' });
      expect(rotation.serverUrl).toBe(alive);
      expect(paths).toEqual(['/ws/notes']);
    });
  });
});
