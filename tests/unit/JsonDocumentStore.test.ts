import { appendFile, copyFile, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';
import { documentStoreContract } from './documentStoreContract.js';

const directories: string[] = [];
async function freshDir(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'tandem-store-'));
  directories.push(directory);
  return directory;
}
function failOnCompromise(error: Error): void {
  throw error;
}
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

documentStoreContract('JsonDocumentStore', async () => JsonDocumentStore.open({ dataDir: await freshDir(), onLockCompromised: failOnCompromise }));

describe('JsonDocumentStore on disk', () => {
  it('stores one readable JSON file per document with the Yjs state in base64', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await store.writeSnapshot('Meeting-Notes', new Uint8Array([1, 2, 3]));
    await store.close();
    expect(await readdir(join(dataDir, 'documents'))).toEqual(['^meeting-^notes.json']);
    const record = JSON.parse(await readFile(join(dataDir, 'documents', '^meeting-^notes.json'), 'utf8')) as Record<string, string>;
    expect(record).toMatchObject({ format: 'tandem.document/1', documentName: 'Meeting-Notes', state: 'AQID', coversLogSegment: 1 });
    expect(new Date(record.createdAt!).toString()).not.toBe('Invalid Date');
  });

  it('keeps data across close and reopen, and leaves no temporary files', async () => {
    const dataDir = await freshDir();
    const first = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await Promise.all(Array.from({ length: 20 }, (_, index) => first.writeSnapshot(`doc-${index}`, new Uint8Array([index]))));
    await first.close();
    const second = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    expect((await second.list()).length).toBe(20);
    expect([...(await second.load('doc-7'))!.snapshot!]).toEqual([7]);
    await second.close();
    expect((await readdir(join(dataDir, 'documents'))).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('refuses a second store on the same directory while the first is open', async () => {
    const dataDir = await freshDir();
    const first = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await expect(JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise })).rejects.toMatchObject({
      code: 'locked',
      message: expect.stringMatching(/in use by another Tandem server/),
    });
    await first.close();
    const second = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await second.close();
  });

  it('takes over a lock left by a crashed server once it goes stale', async () => {
    const dataDir = await freshDir();
    // What a killed server leaves behind: a lock directory nobody refreshes any more.
    await mkdir(join(dataDir, 'tandem.lock'));
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(join(dataDir, 'tandem.lock'), longAgo, longAgo);
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise, lockStaleMs: 2000 });
    await store.writeSnapshot('after-crash', new Uint8Array([1]));
    await store.close();
  });

  /** What a crashed server leaves: its lock (last refreshed `ageMs` ago) and an owner file naming a dead process. */
  async function abandonedLock(dataDir: string, ageMs: number): Promise<void> {
    await mkdir(join(dataDir, 'tandem.lock'));
    // A pid far above any pid_max in use: no such process exists.
    await writeFile(join(dataDir, 'tandem.lock.owner'), JSON.stringify({ pid: 2 ** 30, hostname: hostname(), processStartedAt: 0 }));
    const refreshed = new Date(Date.now() - ageMs);
    await utimes(join(dataDir, 'tandem.lock'), refreshed, refreshed);
  }

  it('takes over at once a lock whose owner process on this host is gone', async () => {
    const dataDir = await freshDir();
    await abandonedLock(dataDir, 3000);
    const started = Date.now();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    expect(Date.now() - started).toBeLessThan(1000);
    await store.close();
  });

  it('waits before taking over a very fresh lock, in case its creator has not written its owner yet', async () => {
    const dataDir = await freshDir();
    await abandonedLock(dataDir, 0);
    // Meanwhile the real creator (alive: our parent process) records itself.
    setTimeout(() => void writeFile(join(dataDir, 'tandem.lock.owner'), JSON.stringify({ pid: process.ppid, hostname: hostname(), processStartedAt: 0 })), 300);
    await expect(JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise })).rejects.toMatchObject({ code: 'locked' });
  });

  it('lets exactly one of two servers racing for an abandoned lock have it', async () => {
    const dataDir = await freshDir();
    await abandonedLock(dataDir, 3000);
    const results = await Promise.allSettled([
      JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise }),
      JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'locked' } });
    for (const result of results) if (result.status === 'fulfilled') await result.value.close();
  });

  it('refuses every write once its lock is lost, and leaves the lock files alone on close', async () => {
    const dataDir = await freshDir();
    let onLost: (error: Error) => void = () => undefined;
    const lost = new Promise<Error>((resolve) => (onLost = resolve));
    const store = await JsonDocumentStore.open({ dataDir, lockStaleMs: 2000, onLockCompromised: (error) => onLost(error) });
    await store.writeSnapshot('before', new Uint8Array([1]));
    await rm(join(dataDir, 'tandem.lock'), { recursive: true });
    // The holder notices at its next refresh (every second with this stale time).
    expect(await lost).toBeInstanceOf(Error);
    await expect(store.writeSnapshot('after', new Uint8Array([2]))).rejects.toMatchObject({ code: 'locked', message: expect.stringMatching(/refusing to write/) });
    await expect(store.delete('before')).rejects.toMatchObject({ code: 'locked' });
    expect([...(await store.load('before'))!.snapshot!]).toEqual([1]);
    await store.close();
  });

  it('names the holder when refusing, and does not take over a lock whose owner is alive', async () => {
    const dataDir = await freshDir();
    await mkdir(join(dataDir, 'tandem.lock'));
    await writeFile(join(dataDir, 'tandem.lock.owner'), JSON.stringify({ pid: process.ppid, hostname: hostname(), processStartedAt: 0 }));
    await expect(JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise })).rejects.toMatchObject({
      code: 'locked',
      message: expect.stringContaining(`process ${process.ppid}`),
    });
  });

  it('reports a corrupt file as corrupt, naming it, and never overwrites it', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    const file = join(dataDir, 'documents', 'broken.json');
    await writeFile(file, '{"format": "tandem.document/1", "stat');
    await expect(store.load('broken')).rejects.toMatchObject({ code: 'corrupt', message: expect.stringContaining(file) });
    await expect(store.writeSnapshot('broken', new Uint8Array([1]))).rejects.toMatchObject({ code: 'corrupt' });
    expect(await readFile(file, 'utf8')).toBe('{"format": "tandem.document/1", "stat');

    await writeFile(join(dataDir, 'documents', 'wrong-shape.json'), JSON.stringify({ format: 'tandem.document/1', state: 42 }));
    await expect(store.load('wrong-shape')).rejects.toMatchObject({ code: 'corrupt' });

    await store.writeSnapshot('fine', new Uint8Array([1]));
    const listed = await store.list();
    expect(listed.map((info) => [info.documentName, info.damaged !== undefined])).toEqual([
      ['broken', true],
      ['fine', false],
      ['wrong-shape', true],
    ]);
    await store.close();
  });
});

describe('JsonDocumentStore log and snapshot generations', () => {
  function textOf(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] } | null): string {
    const doc = new Y.Doc();
    if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
    return doc.getText('t').toString();
  }

  /** A writer that produces real Yjs updates, one per typed string. */
  function typist() {
    const doc = new Y.Doc();
    return {
      doc,
      type(text: string): Uint8Array {
        const before = Y.encodeStateVector(doc);
        doc.getText('t').insert(doc.getText('t').length, text);
        return Y.encodeStateAsUpdate(doc, before);
      },
    };
  }

  it('skips a torn last record with a warning naming the file, and recovers every complete record before it', async () => {
    const dataDir = await freshDir();
    const writer = typist();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await store.appendUpdates('torn', [writer.type('one ')]);
    await store.appendUpdates('torn', [writer.type('two ')]);
    await store.close();

    // A crash in the middle of the next write: a header promising 100 bytes, and 10 of them.
    const segment = join(dataDir, 'documents', 'torn.000001.log');
    const torn = Buffer.alloc(18);
    torn.writeUInt32LE(100, 0);
    torn.writeUInt32LE(12345, 4);
    await appendFile(segment, torn);

    const reopened = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    const loaded = await reopened.load('torn');
    expect(textOf(loaded)).toBe('one two ');
    expect(loaded!.warnings).toHaveLength(1);
    expect(loaded!.warnings[0]).toMatch(new RegExp(`${segment}: skipped 18 bytes of a torn or damaged record at offset \\d+`));
    expect(loaded!.warnings[0]).toMatch(/2 complete records before it were recovered/);

    // New appends never follow the torn bytes: they go to a new segment and are all read back.
    await reopened.appendUpdates('torn', [writer.type('three')]);
    expect(textOf(await reopened.load('torn'))).toBe('one two three');
    expect(await readdir(join(dataDir, 'documents'))).toContain('torn.000002.log');
    await reopened.close();
  });

  it('keeps the previous snapshot as <name>.json.prev, which with the remaining log rebuilds the whole document', async () => {
    const dataDir = await freshDir();
    const writer = typist();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    for (const word of ['alpha ', 'beta ', 'gamma ']) {
      await store.appendUpdates('generations', [writer.type(word)]);
      await store.writeSnapshot('generations', Y.encodeStateAsUpdate(writer.doc));
    }
    await store.appendUpdates('generations', [writer.type('delta')]);
    expect(textOf(await store.load('generations'))).toBe('alpha beta gamma delta');
    // Segments the kept previous snapshot covers (1 and 2) are gone; the ones after it stay.
    expect((await readdir(join(dataDir, 'documents'))).filter((file) => file.endsWith('.log')).sort()).toEqual([
      'generations.000003.log',
      'generations.000004.log',
    ]);
    await store.close();

    // The documented recovery: stop the server, put the previous snapshot back, start again.
    const documents = join(dataDir, 'documents');
    await copyFile(join(documents, 'generations.json.prev'), join(documents, 'generations.json'));
    const recovered = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    expect(textOf(await recovered.load('generations'))).toBe('alpha beta gamma delta');
    await recovered.close();
  });
});

describe('JsonDocumentStore segment numbering', () => {
  it('never numbers a new segment at or below what the snapshot covers, even when every segment was deleted', async () => {
    const dataDir = await freshDir();
    const first = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await first.appendUpdates('renumber', [new Uint8Array([1])]);
    // Snapshots with no appends between them rotate past segments that never get a file, and drop the old ones.
    for (let round = 0; round < 3; round += 1) await first.writeSnapshot('renumber', new Uint8Array([9]));
    expect((await readdir(join(dataDir, 'documents'))).filter((file) => file.endsWith('.log'))).toEqual([]);
    await first.close();

    for (const reopen of ['after load', 'without load'] as const) {
      const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
      if (reopen === 'after load') await store.load('renumber');
      await store.appendUpdates('renumber', [new Uint8Array([reopen === 'after load' ? 2 : 3])]);
      await store.close();
    }
    const reader = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    expect((await reader.load('renumber'))!.updates.map((update) => [...update])).toEqual([[2], [3]]);
    await reader.close();
  });
});

describe('JsonDocumentStore after a crash that left zeros', () => {
  it('treats a zero-filled tail (the file grew, its data never reached the disk) as torn', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'kept');
    await store.appendUpdates('zeros', [Y.encodeStateAsUpdate(doc)]);
    await store.close();
    await appendFile(join(dataDir, 'documents', 'zeros.000001.log'), Buffer.alloc(4096));
    const reopened = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    const loaded = await reopened.load('zeros');
    expect(loaded!.updates).toHaveLength(1);
    expect(loaded!.warnings[0]).toMatch(/skipped 4096 bytes/);
    await reopened.close();
  });
});

describe('JsonDocumentStore writability probe', () => {
  it('writes and removes a probe, reuses its answer for a second, then sees a documents directory that is gone', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    try {
      await store.checkWritable();
      expect(await readdir(join(dataDir, 'documents'))).toEqual([]);
      // Replaced by a file: writes fail with ENOTDIR, while the lock (in the data dir) stays intact.
      await rm(join(dataDir, 'documents'), { recursive: true });
      await writeFile(join(dataDir, 'documents'), 'not a directory');
      // Within the second, the earlier answer stands: a scraper polling readiness causes no writes.
      await expect(store.checkWritable()).resolves.toBeUndefined();
      // The cached answer expires after about a second; poll until the next probe runs.
      const deadline = Date.now() + 5000;
      let failure: unknown = null;
      while (failure === null && Date.now() < deadline) {
        failure = await store.checkWritable().then(() => null, (error: unknown) => error);
        if (failure === null) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(failure).toMatchObject({ code: 'io', message: expect.stringMatching(/cannot write to .*documents.*ENOTDIR/) });
    } finally {
      await store.close();
    }
  });
});
