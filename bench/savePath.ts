/**
 * Save-path benchmark: what it costs to make one edit durable.
 *
 *   npm run bench:save
 *
 * Side by side in one run, for a small document and a 1 MB one:
 * - log, each update awaited: append one record and fsync (a lone typist waiting for "Saved");
 * - log, group commit: a burst of updates through the room's UpdateJournal (many typists at once);
 * - baseline: write the whole document as a fresh JSON snapshot and fsync for every update
 *   (how Tandem saved before the log; Hocuspocus and y-sweet save the same way, only less often).
 * Reports durable updates per second and bytes written to disk per update, with ratios.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { UpdateJournal } from '../server/rooms/UpdateJournal.js';
import { DurableTextFile } from '../storage/DurableTextFile.js';
import { JsonDocumentStore } from '../storage/JsonDocumentStore.js';

const BUDGET_MS = Number(process.env.BUDGET_MS ?? 2500);

interface Result {
  updatesPerSecond: number;
  bytesPerUpdate: number;
  updates: number;
}

function documentOf(bytes: number): Y.Doc {
  const doc = new Y.Doc();
  const paragraph = 'Tandem keeps every keystroke. '.repeat(40);
  const text = doc.getText('t');
  while (Y.encodeStateAsUpdate(doc).byteLength < bytes) text.insert(text.length, paragraph);
  return doc;
}

/** One keystroke's update, as a client would send it. */
function keystroke(doc: Y.Doc): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(Math.floor(doc.getText('t').length / 2), 'x');
  return Y.encodeStateAsUpdate(doc, before);
}

async function logBytes(dir: string): Promise<number> {
  const files = (await readdir(join(dir, 'documents'))).filter((file) => file.endsWith('.log'));
  const sizes = await Promise.all(files.map(async (file) => (await stat(join(dir, 'documents', file))).size));
  return sizes.reduce((sum, size) => sum + size, 0);
}

async function withStore<T>(run: (store: JsonDocumentStore, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-'));
  const store = await JsonDocumentStore.open({
    dataDir: dir,
    onLockCompromised: (error) => {
      throw error;
    },
  });
  try {
    return await run(store, dir);
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function logAwaitingEach(size: number): Promise<Result> {
  return withStore(async (store, dir) => {
    const doc = documentOf(size);
    await store.writeSnapshot('bench', Y.encodeStateAsUpdate(doc));
    const before = await logBytes(dir);
    let updates = 0;
    const started = performance.now();
    while (performance.now() - started < BUDGET_MS) {
      await store.appendUpdates('bench', [keystroke(doc)]);
      updates += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    return { updates, updatesPerSecond: updates / seconds, bytesPerUpdate: ((await logBytes(dir)) - before) / updates };
  });
}

async function logGroupCommit(size: number): Promise<Result> {
  return withStore(async (store, dir) => {
    const doc = documentOf(size);
    await store.writeSnapshot('bench', Y.encodeStateAsUpdate(doc));
    const before = await logBytes(dir);
    const journal = new UpdateJournal({
      append: (batch) => store.appendUpdates('bench', batch),
      describeState: () => Y.encodeStateVector(doc),
      onDurable: () => undefined,
      onSettled: () => undefined,
      onError: (error) => {
        throw error;
      },
      retryBaseMs: 1000,
      retryMaxMs: 1000,
    });
    let updates = 0;
    const started = performance.now();
    // Twenty typists: updates keep arriving while each batch is being fsynced.
    while (performance.now() - started < BUDGET_MS) {
      for (let typist = 0; typist < 20; typist += 1) journal.push(keystroke(doc));
      updates += 20;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await journal.flush();
    const seconds = (performance.now() - started) / 1000;
    journal.close();
    return { updates, updatesPerSecond: updates / seconds, bytesPerUpdate: ((await logBytes(dir)) - before) / updates };
  });
}

async function snapshotPerSave(size: number): Promise<Result> {
  const dir = await mkdtemp(join(tmpdir(), 'tandem-bench-'));
  try {
    const doc = documentOf(size);
    const file = new DurableTextFile(join(dir, 'bench.json'));
    let updates = 0;
    let bytes = 0;
    const started = performance.now();
    while (performance.now() - started < BUDGET_MS) {
      keystroke(doc);
      const state = Y.encodeStateAsUpdate(doc);
      const now = new Date().toISOString();
      const text = JSON.stringify({ format: 'tandem.document/1', documentName: 'bench', createdAt: now, updatedAt: now, state: Buffer.from(state).toString('base64') }, null, 2);
      await file.write(text);
      bytes += Buffer.byteLength(text);
      updates += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    return { updates, updatesPerSecond: updates / seconds, bytesPerUpdate: bytes / updates };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const rows: Record<string, Record<string, string | number>> = {};
  for (const [label, size] of [['small (starts at 2 KB)', 2 * 1024], ['large (starts at 1 MB)', 1024 * 1024]] as const) {
    const baseline = await snapshotPerSave(size);
    const each = await logAwaitingEach(size);
    const group = await logGroupCommit(size);
    const line = {
      scenario: 'save-path',
      document: label,
      baseline,
      logAwaitingEach: each,
      logGroupCommit: group,
      ratios: {
        updatesPerSecondAwaitingEach: +(each.updatesPerSecond / baseline.updatesPerSecond).toFixed(2),
        updatesPerSecondGroupCommit: +(group.updatesPerSecond / baseline.updatesPerSecond).toFixed(2),
        bytesPerUpdate: +(each.bytesPerUpdate / baseline.bytesPerUpdate).toFixed(5),
      },
    };
    console.log(JSON.stringify(line));
    for (const [name, result] of [['snapshot per save (baseline)', baseline], ['log, each awaited', each], ['log, group commit', group]] as const) {
      rows[`${label}: ${name}`] = {
        'updates/s': Math.round(result.updatesPerSecond),
        'bytes/update': Math.round(result.bytesPerUpdate),
        'vs baseline (updates/s)': +(result.updatesPerSecond / baseline.updatesPerSecond).toFixed(2),
        'vs baseline (bytes)': +(result.bytesPerUpdate / baseline.bytesPerUpdate).toFixed(5),
      };
    }
  }
  console.table(rows);
}

await main();
