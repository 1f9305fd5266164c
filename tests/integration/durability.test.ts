import { appendFile, cp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import { isStateSaved } from '../../web/src/editor/isStateSaved.js';
import { YjsClient } from '../support/YjsClient.js';
import { waitFor } from '../support/waitFor.js';

const resources = new TestResources();
const startServer = (args: string[] = []) => resources.startServer(args);
const connect = (server: TestServer, documentName: string, wantsSavedState = false) => resources.connect(server, documentName, { wantsSavedState });

afterEach(() => resources.dispose());

/** A client typing numbered tokens ("w2:17;") every few milliseconds, remembering where each one ends. */
class Typist {
  readonly client: YjsClient;
  readonly tokens: { text: string; endClock: number }[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(client: YjsClient, readonly name: string) {
    this.client = client;
  }

  start(): void {
    this.#timer = setInterval(() => {
      const text = `${this.name}:${this.tokens.length};`;
      this.client.text.insert(this.client.text.length, text);
      this.tokens.push({ text, endClock: Y.getState(this.client.doc.store, this.client.doc.clientID) });
    }, 4 + Math.floor(Math.random() * 6));
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Tokens the server had acknowledged as durable. */
  acknowledgedTokens(): number {
    const saved = this.client.savedOwnClock;
    return this.tokens.filter((token) => token.endClock <= saved).length;
  }
}

describe('nothing acknowledged as saved is ever lost', () => {
  it('survives SIGKILL at random moments while several clients type, round after round', async () => {
    const rounds = 8;
    // Frequent snapshots, so crashes also land in the middle of compaction.
    const server = await startServer(['--snapshot-after-updates', '40', '--snapshot-idle-ms', '50', '--snapshot-max-wait-ms', '200']);
    const typists = ['w1', 'w2', 'w3'].map((name) => new Typist(connect(server, 'crash-rounds', true), name));
    await Promise.all(typists.map((typist) => typist.client.synced()));
    typists.forEach((typist) => typist.start());

    let checkedTokens = 0;
    for (let round = 1; round <= rounds; round += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 350));
      // What the server had promised when it died.
      const promised = typists.map((typist) => ({ clientId: typist.client.doc.clientID, clock: typist.client.savedOwnClock, tokens: typist.acknowledgedTokens() }));
      await server.restart('SIGKILL');

      const reader = new YjsClient(server.wsUrl, 'crash-rounds');
      try {
        await reader.synced(15_000);
        for (const { clientId, clock } of promised) {
          // Yjs clocks are contiguous per client: holding the clock means holding every character up to it.
          expect(Y.getState(reader.doc.store, clientId), `round ${round}: client ${clientId} lost acknowledged edits`).toBeGreaterThanOrEqual(clock);
        }
        checkedTokens += promised.reduce((sum, { tokens }) => sum + tokens, 0);
      } finally {
        reader.destroy();
      }
    }

    typists.forEach((typist) => typist.stop());
    // Everyone reconnects by themselves and converges, with every token anyone typed.
    await Promise.all(typists.map((typist) => typist.client.saved(20_000)));
    const final = connect(server, 'crash-rounds');
    const everyToken = typists.flatMap((typist) => typist.tokens.map((token) => token.text));
    await final.docSatisfies((client) => everyToken.every((token) => client.text.toString().includes(token)), 'every token typed', 20_000);
    for (const typist of typists) await typist.client.textEquals(final.text.toString(), 20_000);
    console.log(`crash test: ${rounds} SIGKILL rounds, ${checkedTokens} acknowledged updates checked after restarts, ${everyToken.length} updates typed, all ${typists.length + 1} clients converged`);
    expect(checkedTokens).toBeGreaterThan(rounds * 10);
  }, 120_000);

  it('a client re-sends what a server restored from an older backup lacks', async () => {
    const server = await startServer();
    const alice = connect(server, 'restored', true);
    await alice.synced();
    alice.text.insert(0, 'in the backup. ');
    await alice.saved();
    const backup = `${server.dataDir}-backup`;
    await cp(join(server.dataDir, 'documents'), backup, { recursive: true });
    alice.text.insert(alice.text.length, 'written after the backup.');
    await alice.saved();

    await server.stop('SIGTERM');
    await rm(join(server.dataDir, 'documents'), { recursive: true });
    await cp(backup, join(server.dataDir, 'documents'), { recursive: true });
    await rm(backup, { recursive: true });
    await server.start();

    // Alice reconnects by herself; the server's sync step 1 makes her send what it lacks.
    await alice.saved(15_000);
    const reader = connect(server, 'restored');
    await reader.textEquals('in the backup. written after the backup.');
  });

  it('recovers every complete record before a torn one, and says so in the log', async () => {
    const server = await startServer(['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000']);
    const writer = connect(server, 'torn-tail', true);
    await writer.synced();
    writer.text.insert(0, 'complete records');
    await writer.saved();
    await server.stop('SIGKILL');

    const documents = join(server.dataDir, 'documents');
    const segment = (await readdir(documents)).filter((file) => file.startsWith('torn-tail.') && file.endsWith('.log')).sort().at(-1)!;
    await appendFile(join(documents, segment), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 9, 9, 9]));
    await server.start();

    const reader = connect(server, 'torn-tail');
    await reader.textEquals('complete records');
    const warning = server.findLog((line) => line.level === 40 && line.msg.includes('torn or damaged record'));
    expect(warning?.msg).toContain(join(documents, segment));
  });
});

describe('the saved-state message', () => {
  it('never reaches a stock client that did not ask for it', async () => {
    const server = await startServer();
    const writer = connect(server, 'stock-only', true);
    await writer.synced();
    const types = new Set<number>();
    const stock = new WebSocket(`${server.wsUrl}/stock-only`);
    stock.binaryType = 'arraybuffer';
    stock.on('message', (data: ArrayBuffer) => types.add(decoding.readVarUint(decoding.createDecoder(new Uint8Array(data)))));
    await new Promise((resolve) => stock.once('open', resolve));
    writer.text.insert(0, 'several saves');
    await writer.saved();
    writer.text.insert(0, 'more ');
    await writer.saved();
    await waitFor(() => types.has(0), { description: 'the stock client to receive sync messages' });
    stock.close();
    expect([...types].every((type) => type === 0 || type === 1)).toBe(true);
  });

  it('does not call a deletion saved until it is on disk (deletions do not move the state vector)', async () => {
    const server = await startServer();
    const alice = connect(server, 'deletions', true);
    await alice.synced();
    alice.text.insert(0, 'hello world');
    await alice.saved();
    const before = alice.savedSnapshot!;
    alice.text.delete(5, 6);
    // By the state vector alone this would already look saved.
    expect(isStateSaved(Y.decodeStateVector(Y.encodeStateVector(alice.doc)), before.sv)).toBe(true);
    expect(alice.isSaved()).toBe(false);
    await alice.saved();
    await server.restart('SIGKILL');
    const reader = connect(server, 'deletions');
    await reader.textEquals('hello');
  });

  it('tells a client that asked exactly when its edits are on disk', async () => {
    const server = await startServer();
    const alice = connect(server, 'acks', true);
    await alice.synced();
    await alice.saved(); // an empty document is trivially saved
    alice.text.insert(0, 'hello');
    expect(alice.isSaved()).toBe(false);
    await alice.saved();
    expect(alice.savedOwnClock).toBe(5);
  });
});
