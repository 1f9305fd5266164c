import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { runTandem } from '../support/runTandem.js';
import { TestServer } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';
import { YjsClient } from '../support/YjsClient.js';

const temporary: string[] = [];
afterAll(async () => {
  await Promise.all(temporary.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

/** One stock client appending numbered lines to its own text, one transaction per line, until stopped. */
class Typist {
  readonly client: YjsClient;
  readonly key: string;
  lines = 0;
  /** Per line typed, the client's own clock once it was in the document. */
  readonly clockAfterLine: number[] = [0];
  readonly #timer: NodeJS.Timeout;

  constructor(server: TestServer, documentName: string, key: string) {
    this.client = new YjsClient(server.wsUrl, documentName, { wantsSavedState: true });
    this.key = key;
    this.#timer = setInterval(() => {
      if (!this.client.provider.wsconnected) return;
      this.lines++;
      const text = this.client.doc.getText(key);
      text.insert(text.length, `${key}-${this.lines}\n`);
      this.clockAfterLine.push(Y.getState(this.client.doc.store, this.client.doc.clientID));
    }, 4);
  }

  /** Resolves with how many lines the server has durably saved once at least `lines` are. */
  async savedThrough(lines: number): Promise<number> {
    const clock = this.clockAfterLine[lines]!;
    await waitFor(() => this.client.savedOwnClock >= clock, { description: `${this.key}'s line ${lines} to be saved`, timeoutMs: 20_000 });
    return lines;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** The numbered lines of `key` in `doc`: they must be exactly 1..n, a prefix of what was typed. */
function typedLines(doc: Y.Doc, key: string): number {
  const lines = doc.getText(key).toString().split('\n').slice(0, -1);
  expect(lines).toEqual(lines.map((_, index) => `${key}-${index + 1}`));
  return lines.length;
}

describe('tandem backup during active editing', () => {
  it('takes backups while clients type and compactions run; each restores to a consistent document', { timeout: 240_000 }, async () => {
    const server = await TestServer.start({
      args: ['--snapshot-after-updates', '5', '--snapshot-idle-ms', '10', '--snapshot-max-wait-ms', '50', '--messages-per-second', '0'],
    });
    const typists = [new Typist(server, 'live', 'alice'), new Typist(server, 'live', 'bob'), new Typist(server, 'second', 'carol')];
    const root = await mkdtemp(join(tmpdir(), 'tandem-backup-'));
    temporary.push(root);
    const backups: { directory: string; savedBefore: number[] }[] = [];
    let snapshotsDuringBackups = 0;
    const timings: number[] = [];
    try {
      await Promise.all(typists.map((typist) => typist.client.synced()));
      for (let round = 0; round < 3; round++) {
        // Every line the server confirmed durable before the backup starts must be in it.
        const savedBefore = await Promise.all(typists.map((typist) => typist.savedThrough(Math.max(1, typist.lines))));
        const directory = join(root, `backup-${round}`);
        const snapshotsBefore = server.logs.filter((line) => line.msg === 'snapshot written').length;
        const startedAt = performance.now();
        const result = await runTandem(['backup', directory, '--data-dir', server.dataDir]);
        timings.push(performance.now() - startedAt);
        expect(result, result.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok +live .*\nok +second .*\nbacked up 2 of 2 documents/) });
        snapshotsDuringBackups += server.logs.filter((line) => line.msg === 'snapshot written').length - snapshotsBefore;
        backups.push({ directory, savedBefore });
      }
    } finally {
      for (const typist of typists) typist.stop();
    }
    // Compactions really did run while backups read the files.
    expect(snapshotsDuringBackups).toBeGreaterThan(3);

    for (const [index, { directory, savedBefore }] of backups.entries()) {
      expect((await runTandem(['check', '--data-dir', directory])).code).toBe(0);
      const restoredDir = join(root, `restored-${index}`);
      expect((await runTandem(['restore', directory, '--data-dir', restoredDir])).code).toBe(0);
      const restored = await TestServer.start({ dataDir: restoredDir });
      try {
        for (const [documentName, keys] of [['live', [0, 1]], ['second', [2]]] as const) {
          const reader = new YjsClient(restored.wsUrl, documentName);
          await reader.synced();
          expect(reader.doc.store.pendingStructs).toBeNull();
          expect(reader.doc.store.pendingDs).toBeNull();
          for (const key of keys) {
            const typist = typists[key]!;
            const lines = typedLines(reader.doc, typist.key);
            expect(lines).toBeGreaterThanOrEqual(savedBefore[key]!);
            expect(lines).toBeLessThanOrEqual(typist.lines);
          }
          reader.destroy();
        }
      } finally {
        await restored.dispose();
      }
    }
    for (const typist of typists) typist.client.destroy();
    await server.dispose();
    console.info(`backup of 2 live documents took ${timings.map((ms) => `${Math.round(ms)} ms`).join(', ')} (CLI process included); ${snapshotsDuringBackups} snapshots were written during them; lines typed: ${typists.map((typist) => typist.lines).join(', ')}`);
  });
});
