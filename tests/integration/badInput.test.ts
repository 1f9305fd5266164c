import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TestResources } from '../support/TestResources.js';
import { REPO_ROOT, TestServer } from '../support/TestServer.js';

let server: TestServer;
const resources = new TestResources();
const connect = (documentName: string) => resources.connect(server, documentName);

/** Opens a raw socket, sends `frames`, and resolves with how the server closed it. */
function sendRaw(documentName: string, frames: (Uint8Array | string)[]): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${server.wsUrl}/${documentName}`);
    socket.on('open', () => {
      for (const frame of frames) socket.send(frame);
    });
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  server = await resources.startServer();
});
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

describe('bad document names', () => {
  it.each([
    ['..%2Fsecrets', 'path traversal'],
    ['.hidden', 'leading dot'],
    ['a'.repeat(101), 'too long'],
    ['has%20space', 'space'],
    ['%C3%A9t%C3%A9', 'non-ASCII'],
  ])('a WebSocket to %s (%s) is closed with 4400 and the rule, and the client stops retrying', async (name) => {
    const client = connect(name);
    const closed = await client.closedByServer();
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/letters, digits|characters/);
    expect(client.provider.shouldConnect).toBe(false);
  });

  it('HTTP routes refuse bad names with a clear reason', async () => {
    const page = await fetch(`${server.httpUrl}/d/bad%20name`);
    // The app's page, which explains the rule itself (checked end to end in the browser).
    expect(page.status).toBe(400);
    expect(await page.text()).toMatch(/<html/i);
    const ws = await fetch(`${server.httpUrl}/ws/${encodeURIComponent('../etc/passwd')}`);
    expect(ws.status).toBe(400);
    expect(((await ws.json()) as { error: { code: string } }).error.code).toBe('bad-document-name');
  });

  it('path-traversal names, plain or encoded, never touch the file system', async () => {
    // The data directory alone inside a fresh parent: anything written outside it would show up there.
    const parent = await mkdtemp(join(tmpdir(), 'tandem-traversal-'));
    const contained = await resources.startServer([], { dataDir: join(parent, 'data') });
    try {
      const before = await listFiles(parent);
      const names = ['..%2F..%2Fescaped', '%2E%2E%2Fescaped', '..%5Cescaped', '%252e%252e%252fescaped', '..%2F..%2F..%2Ftmp%2Fescaped', 'escaped%00.json', '.%2E%2Fescaped'];
      for (const name of names) {
        const client = resources.connect(contained, name);
        expect((await client.closedByServer()).code).toBe(4400);
        expect((await fetch(`${contained.httpUrl}/d/${name}`)).status).toBe(400);
      }
      expect(await listFiles(parent)).toEqual(before);
      expect(before.some((file) => file.includes('escaped'))).toBe(false);
    } finally {
      await contained.stop();
      await rm(parent, { recursive: true, force: true });
    }
  });
});

/** Every path under `root`, relative to it, sorted. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true });
  return entries.sort();
}

describe('malformed messages', () => {
  function frame(write: (encoder: encoding.Encoder) => void): Uint8Array {
    const encoder = encoding.createEncoder();
    write(encoder);
    return encoding.toUint8Array(encoder);
  }

  it.each([
    ['an unknown message type', frame((e) => encoding.writeVarUint(e, 99))],
    ['a truncated sync message', frame((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2); encoding.writeVarUint(e, 1000); })],
    ['an update that is not Yjs data', frame((e) => { encoding.writeVarUint(e, 0); encoding.writeVarUint(e, 2); encoding.writeVarUint8Array(e, new Uint8Array([255, 255, 255, 255, 1, 2, 3])); })],
    ['a text frame', 'hello'],
    ['an awareness flood of made-up client ids', frame((e) => {
      const update = encoding.createEncoder();
      encoding.writeVarUint(update, 2000);
      for (let id = 1; id <= 2000; id += 1) { encoding.writeVarUint(update, id); encoding.writeVarUint(update, 1); encoding.writeVarString(update, 'null'); }
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, encoding.toUint8Array(update));
    })],
  ])('%s closes only that client with 4400; the others and the document are unharmed', async (_label, bad) => {
    const alice = connect('victim');
    await alice.synced();
    alice.text.insert(alice.text.length, 'x');
    const before = alice.text.toString();

    const closed = await sendRaw('victim', [bad]);
    expect(closed.code).toBe(4400);
    expect(closed.reason.length).toBeGreaterThan(0);

    const bob = connect('victim');
    await bob.textEquals(before);
    alice.text.insert(alice.text.length, 'y');
    await bob.textEquals(`${before}y`);
  });

  it('upgrades to other paths get 404, and clients that reset the connection mid-upgrade harm nobody', async () => {
    const upgrade = (path: string) =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;
    for (const path of ['/ws', '/ws/', '/ws/a/b', '/elsewhere']) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connectTcp(server.port, '127.0.0.1', () => socket.write(upgrade(path)));
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
      expect(answer, path).toMatch(/^HTTP\/1\.1 404 /);
    }
    const alice = connect('steady');
    await alice.synced();
    // Reset before, during and right after the server decides on the upgrade.
    for (let round = 0; round < 30; round += 1) {
      const socket = connectTcp(server.port, '127.0.0.1', () => {
        socket.write(upgrade(`/ws/steady?token=${'x'.repeat(round * 10)}`));
        setTimeout(() => socket.resetAndDestroy(), round % 3);
      });
      socket.on('error', () => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    alice.text.insert(0, 'still here');
    const bob = connect('steady');
    await bob.textEquals('still here');
  });

  it('a refused WebSocket that sends a broken frame before its close handshake ends harms nobody', async () => {
    const alice = connect('bystander');
    await alice.synced();
    for (const name of ['.hidden', 'fine-name?saved-state=maybe']) {
      await new Promise<void>((resolve, reject) => {
        const socket = connectTcp(server.port, '127.0.0.1', () =>
          socket.write(
            `GET /ws/${name} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
          ),
        );
        let answered = false;
        socket.on('data', (chunk) => {
          if (answered || !chunk.toString('latin1').startsWith('HTTP/1.1 101')) return;
          answered = true;
          // The server is refusing this socket (4400); an unmasked text frame is a protocol error on top.
          socket.write(Buffer.from([0x81, 0x05, ...Buffer.from('hello')]));
        });
        socket.on('close', () => (answered ? resolve() : reject(new Error('no upgrade'))));
        socket.on('error', () => undefined);
      });
    }
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    alice.text.insert(0, 'unharmed');
    await connect('bystander').textEquals('unharmed');
  });

  it('a frame larger than --max-message-bytes is refused with 1009 and the limit as the reason', async () => {
    const small = await TestServer.start({ args: ['--max-message-bytes', '4096'] });
    try {
      const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${small.port}/ws/big`);
        socket.on('open', () => socket.send(new Uint8Array(10_000)));
        socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
        socket.on('error', reject);
      });
      expect(closed).toEqual({ code: 1009, reason: 'message larger than 4096 bytes (--max-message-bytes)' });
    } finally {
      await small.dispose();
    }
  });
});

describe('a damaged data file', () => {
  it('refuses that document with a clear reason, never overwrites it, and keeps serving the others', async () => {
    const damaged = await TestServer.start();
    try {
      const file = join(damaged.dataDir, 'documents', 'broken.json');
      await mkdir(join(damaged.dataDir, 'documents'), { recursive: true });
      await writeFile(file, '{"format":"tandem.document/1","state":"AAA', 'utf8');

      const client = resources.connect(damaged, 'broken');
      const closed = await client.closedByServer();
      expect(closed.code).toBe(1011);
      expect(closed.reason).toMatch(/could not load document "broken"/);
      expect(await readFile(file, 'utf8')).toBe('{"format":"tandem.document/1","state":"AAA');
      expect(damaged.findLog((line) => line.msg.includes('could not load document'))).toBeDefined();

      const healthy = resources.connect(damaged, 'healthy');
      await healthy.synced();

      const list = (await (await fetch(`http://127.0.0.1:${damaged.port}/api/documents`)).json()) as { documents: { name: string; damaged?: string }[] };
      expect(list.documents.find((document) => document.name === 'broken')?.damaged).toMatch(/not valid JSON/);
    } finally {
      await damaged.dispose();
    }
  });
});

describe('start-up', () => {
  it('a second server on the same data directory is refused with a clear message', async () => {
    const second = spawn(process.execPath, ['dist/server/main.js', '--port', '0', '--data-dir', server.dataDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    second.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/in use by another Tandem server/);
    // The first server is unaffected.
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });

  it('invalid configuration is reported with every problem and exit code 2', async () => {
    const bad = spawn(process.execPath, ['dist/server/main.js', '--port', 'eighty'], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'loud' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    bad.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => bad.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port="eighty"/);
    expect(stderr).toMatch(/LOG_LEVEL="loud"/);
  });

  it('GET /healthz answers 200 with JSON', async () => {
    const response = await fetch(`${server.httpUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe('ok');
  });
});
