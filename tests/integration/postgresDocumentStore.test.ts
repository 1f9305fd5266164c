import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StorageError, type StoredDocument } from '../../storage/DocumentStore.js';
import { describePostgresUrl, isPostgresUrl, PostgresDocumentStore, type PostgresDocumentStoreOptions } from '../../storage/PostgresDocumentStore.js';
import { closedPort } from '../support/closedPort.js';
import { PostgresServer } from '../support/PostgresServer.js';
import { documentStoreContract } from '../unit/documentStoreContract.js';

let postgres: PostgresServer;
beforeAll(async () => {
  postgres = await PostgresServer.start();
});
afterAll(async () => {
  await postgres?.dispose();
});

/** Stores a test opened, closed after it (closing twice is harmless). */
const openedStores: PostgresDocumentStore[] = [];
afterEach(async () => {
  await Promise.all(openedStores.splice(0).map((store) => store.close()));
});

async function openStore(options: Partial<PostgresDocumentStoreOptions> & { url?: string } = {}): Promise<PostgresDocumentStore> {
  const store = await PostgresDocumentStore.open({ url: options.url ?? (await postgres.createDatabase()), connectionTimeoutMs: 2000, ...options });
  openedStores.push(store);
  return store;
}

documentStoreContract('PostgreSQL', async () => PostgresDocumentStore.open({ url: await postgres.createDatabase() }));

/** Resolves with the first non-null result of `attempt`, tried every 20 ms: for states that change with the database clock. */
async function eventually<T>(description: string, attempt: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== null) return result;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The error `promise` rejects with (fails the test if it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/** A server instance's view of one document: its own Y.Doc, whose every change it appends to its own store object. */
class Instance {
  readonly doc = new Y.Doc();
  readonly pendingUpdates: Uint8Array[] = [];
  token: number | null = null;

  constructor(
    readonly name: string,
    readonly store: PostgresDocumentStore,
  ) {
    this.doc.on('update', (update: Uint8Array) => this.pendingUpdates.push(update));
  }

  /** Types `marker` into its document and appends the change. */
  async type(documentName: string, marker: string): Promise<Uint8Array[]> {
    const text = this.doc.getText('t');
    text.insert(text.length, `${marker} `);
    const updates = this.pendingUpdates.splice(0);
    await this.store.appendUpdates(documentName, updates);
    return updates;
  }

  async compact(documentName: string): Promise<void> {
    await this.store.writeSnapshot(documentName, Y.encodeStateAsUpdate(this.doc), { fencingToken: this.token ?? undefined });
  }
}

/** Everything the store holds for a document, applied to one Y.Doc. */
function docOf(stored: StoredDocument | null): Y.Doc {
  const doc = new Y.Doc();
  if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
  return doc;
}

describe('PostgresDocumentStore', () => {
  it('creates its tables once even when several instances start at the same moment', async () => {
    const url = await postgres.createDatabase();
    const stores = await Promise.all(Array.from({ length: 5 }, () => openStore({ url })));
    await stores[0]!.appendUpdates('shared', [new Uint8Array([1])]);
    expect((await stores[4]!.load('shared'))?.updates.map((update) => [...update])).toEqual([[1]]);
    expect(stores[0]!.poolStats()).toEqual({ total: expect.any(Number), idle: expect.any(Number), waiting: 0 });
  });

  it('names its server without credentials, and recognises postgres URLs', async () => {
    const url = (await postgres.createDatabase()).replace('postgres@', 'postgres:s3cret-password@');
    const store = await openStore({ url });
    expect(store.describe()).toBe(`127.0.0.1:${postgres.port}/${new URL(url).pathname.slice(1)}`);
    expect(describePostgresUrl('postgresql://u:p@db.internal/docs')).toBe('db.internal:5432/docs');
    expect(isPostgresUrl('postgres://x')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://x')).toBe(true);
    expect(isPostgresUrl('./data')).toBe(false);
    expect(isPostgresUrl('memory')).toBe(false);
  });

  it('fails to open with StorageError("io") naming the server but not the password when nothing listens', async () => {
    const url = `postgres://postgres:s3cret-password@127.0.0.1:${await closedPort()}/tandem`;
    const startedAt = Date.now();
    const error = await rejectionOf(PostgresDocumentStore.open({ url, connectionTimeoutMs: 2000 }));
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'io', message: expect.stringContaining('PostgreSQL at 127.0.0.1:') });
    expect((error as Error).message).not.toContain('s3cret');
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('refuses invalid names in leases as in writes', async () => {
    const store = await openStore();
    await expect(store.leases.acquire('../escape', 'a', 1000)).rejects.toMatchObject({ code: 'invalid-name' });
    await expect(store.appendUpdates('../escape', [new Uint8Array([1])])).rejects.toMatchObject({ code: 'invalid-name' });
  });
});

describe('PostgresDocumentStore compaction leases', () => {
  it('keeps the token while its holder renews and refuses other holders meanwhile', async () => {
    const url = await postgres.createDatabase();
    const store = await openStore({ url });
    const token = await store.leases.acquire('doc', 'instance-a', 10_000);
    expect(token).toEqual(expect.any(Number));
    expect(await store.leases.acquire('doc', 'instance-a', 10_000)).toBe(token);
    expect(await store.leases.acquire('doc', 'instance-b', 10_000)).toBeNull();
    // Another store object (another server instance) sees the same lease.
    const other = await openStore({ url });
    expect(await other.leases.acquire('doc', 'instance-b', 10_000)).toBeNull();
    expect(await store.leases.acquire('other-doc', 'instance-b', 10_000)).toEqual(expect.any(Number));
  });

  it('hands an expired lease to another holder with a larger token', async () => {
    const store = await openStore();
    const first = (await store.leases.acquire('doc', 'instance-a', 200))!;
    expect(await store.leases.acquire('doc', 'instance-b', 200)).toBeNull();
    const second = await eventually('the lease to expire', () => store.leases.acquire('doc', 'instance-b', 10_000));
    expect(second).toBeGreaterThan(first);
    expect(await store.leases.acquire('doc', 'instance-a', 10_000)).toBeNull();
  });

  it('lets the holder renew its expired lease with the same token when nobody took it', async () => {
    const store = await openStore();
    const token = (await store.leases.acquire('doc', 'instance-a', 100))!;
    await eventually('the lease to expire', async () => ((await store.leases.acquire('doc', 'instance-a', 10_000)) === token ? true : null));
  });

  it('lets another holder in at once after a release, and ignores a release by a non-holder', async () => {
    const store = await openStore();
    const first = (await store.leases.acquire('doc', 'instance-a', 60_000))!;
    await store.leases.release('doc', 'instance-b');
    expect(await store.leases.acquire('doc', 'instance-b', 60_000)).toBeNull();
    await store.leases.release('doc', 'instance-a');
    const second = (await store.leases.acquire('doc', 'instance-b', 60_000))!;
    expect(second).toBeGreaterThan(first);
    // A late release by the previous holder does not end the new holder's lease.
    await store.leases.release('doc', 'instance-a');
    expect(await store.leases.acquire('doc', 'instance-a', 60_000)).toBeNull();
  });

  it('never hands out a token again after the document is deleted, and fences its old holder', async () => {
    const store = await openStore();
    const old = (await store.leases.acquire('doc', 'instance-a', 60_000))!;
    await store.appendUpdates('doc', [new Uint8Array([1])]);
    expect(await store.delete('doc')).toBe(true);
    // The old holder's compaction, still under way, must not bring the document back.
    await expect(store.writeSnapshot('doc', new Uint8Array([1]), { fencingToken: old })).rejects.toMatchObject({ code: 'fenced' });
    expect(await store.load('doc')).toBeNull();
    const next = (await store.leases.acquire('doc', 'instance-a', 60_000))!;
    expect(next).toBeGreaterThan(old);
    await store.leases.release('doc', 'instance-a');
    expect(await store.leases.acquire('doc', 'instance-b', 60_000)).toBeGreaterThan(next);
  });
});

describe('PostgresDocumentStore deletion generations', () => {
  it('refuses appends and snapshots from a writer that loaded the document before it was deleted, so it stays deleted', async () => {
    const url = await postgres.createDatabase();
    const [deleter, stale] = [await openStore({ url }), await openStore({ url })];
    expect(await stale.deletions.current('doc')).toBe(0);
    await stale.appendUpdates('doc', [new Uint8Array([1])], { generation: 0 });
    expect(await deleter.delete('doc')).toBe(true);
    expect(await deleter.deletions.current('doc')).toBe(1);
    expect(await rejectionOf(stale.appendUpdates('doc', [new Uint8Array([2])], { generation: 0 }))).toMatchObject({ code: 'deleted' });
    expect(await rejectionOf(stale.writeSnapshot('doc', new Uint8Array([1, 2]), { generation: 0 }))).toMatchObject({ code: 'deleted' });
    expect(await deleter.info('doc')).toBeNull();
    // A writer that read the new generation creates the document afresh.
    await stale.appendUpdates('doc', [new Uint8Array([3])], { generation: 1 });
    expect((await deleter.load('doc'))?.updates.map((update) => [...update])).toEqual([[3]]);
  });

  it('lets a deletion wait for an append already checked, and then removes what it wrote', async () => {
    const url = await postgres.createDatabase();
    const [deleter, writer] = [await openStore({ url }), await openStore({ url })];
    const appends = Array.from({ length: 20 }, (_, index) => writer.appendUpdates('raced', [new Uint8Array([index])], { generation: 0 }).catch((error: unknown) => error));
    const deletion = deleter.delete('raced');
    const outcomes = await Promise.all(appends);
    await deletion;
    // Every append either landed before the deletion (and went with it) or was refused after it.
    for (const outcome of outcomes) if (outcome !== undefined) expect(outcome).toMatchObject({ code: 'deleted' });
    expect(await deleter.info('raced')).toBeNull();
  });
});

describe('PostgresDocumentStore fencing', () => {
  it("refuses the previous holder's snapshot, changing nothing, and accepts the new holder's", async () => {
    const url = await postgres.createDatabase();
    const a = new Instance('a', await openStore({ url }));
    const b = new Instance('b', await openStore({ url }));
    a.token = await a.store.leases.acquire('doc', 'a', 200);
    await a.type('doc', 'a-1');
    await a.compact('doc');
    // a pauses; its lease runs out and b takes over.
    b.token = await eventually('the lease to pass to b', () => b.store.leases.acquire('doc', 'b', 60_000));
    expect(b.token).toBeGreaterThan(a.token!);
    await b.type('doc', 'b-1');
    const before = await b.store.load('doc');

    await a.type('doc', 'a-2');
    const afterAppend = await a.store.load('doc');
    const refused = await rejectionOf(a.compact('doc'));
    expect(refused).toBeInstanceOf(StorageError);
    expect(refused).toMatchObject({ code: 'fenced', message: expect.stringContaining(`token ${b.token}`) });
    // The refused write changed nothing: same snapshot, same log, same metadata.
    expect(await a.store.load('doc')).toEqual(afterAppend);
    expect(afterAppend?.snapshot).toEqual(before?.snapshot);

    await b.compact('doc');
    const text = docOf(await b.store.load('doc')).getText('t').toString();
    // b's document never saw a's edits, yet the snapshot holds them: they were in the log and a's snapshot.
    for (const marker of ['a-1', 'a-2', 'b-1']) expect(text).toContain(marker);
    // A write without a token (the CLI) is not fenced.
    await expect(a.store.writeSnapshot('doc', Y.encodeStateAsUpdate(a.doc))).resolves.toBeUndefined();
  });
});

describe('PostgresDocumentStore folding', () => {
  it('stores a snapshot that covers the log exactly as written and drops the log', async () => {
    const store = await openStore();
    const a = new Instance('a', store);
    a.token = await store.leases.acquire('doc', 'a', 60_000);
    for (let index = 0; index < 5; index++) await a.type('doc', `a-${index}`);
    const state = Y.encodeStateAsUpdate(a.doc);
    await store.writeSnapshot('doc', state, { fencingToken: a.token! });
    const loaded = (await store.load('doc'))!;
    expect(loaded.snapshot).toEqual(state);
    expect(loaded.updates).toEqual([]);
  });

  it('folds records the writer never saw into the snapshot, and keeps them through its next compaction', async () => {
    const url = await postgres.createDatabase();
    const a = new Instance('a', await openStore({ url }));
    const b = new Instance('b', await openStore({ url }));
    a.token = await a.store.leases.acquire('doc', 'a', 60_000);
    await a.type('doc', 'a-1');
    await b.type('doc', 'b-1');
    await a.compact('doc');
    const folded = (await a.store.load('doc'))!;
    expect(folded.updates).toEqual([]);
    expect(docOf(folded).getText('t').toString()).toContain('b-1');
    // a still lacks b-1: its next snapshot must not drop what the previous one folded in.
    await a.type('doc', 'a-2');
    await a.compact('doc');
    const text = docOf(await a.store.load('doc')).getText('t').toString();
    for (const marker of ['a-1', 'a-2', 'b-1']) expect(text).toContain(marker);
  });

  it("folds the previous holder's snapshot into the new holder's", async () => {
    const url = await postgres.createDatabase();
    const a = new Instance('a', await openStore({ url }));
    const b = new Instance('b', await openStore({ url }));
    a.token = await a.store.leases.acquire('doc', 'a', 60_000);
    await a.type('doc', 'a-1');
    await a.compact('doc');
    await a.store.leases.release('doc', 'a');
    // b never loaded the document: its state is only its own edit.
    b.token = await b.store.leases.acquire('doc', 'b', 60_000);
    await b.type('doc', 'b-1');
    await b.compact('doc');
    const text = docOf(await b.store.load('doc')).getText('t').toString();
    expect(text).toContain('a-1');
    expect(text).toContain('b-1');
  });

  it('loses no update when two instances append and compact concurrently while the lease changes hands', { timeout: 60_000 }, async () => {
    const url = await postgres.createDatabase();
    const instances = [new Instance('a', await openStore({ url, poolSize: 4 })), new Instance('b', await openStore({ url, poolSize: 4 }))];
    const markers: string[] = [];
    let fenced = 0;
    for (let round = 0; round < 40; round++) {
      const holder = instances[round % 2]!;
      const other = instances[(round + 1) % 2]!;
      holder.token = await holder.store.leases.acquire('race', holder.name, 60_000);
      expect(holder.token).not.toBeNull();
      // Now and then the instances relay part of their changes to each other; mostly they do not.
      if (round % 3 === 0) Y.applyUpdate(other.doc, Y.encodeStateAsUpdate(holder.doc));
      const typed = Array.from({ length: 3 }, (_, index) => [`${holder.name}-${round}-${index}`, `${other.name}-${round}-${index}`]).flat();
      markers.push(...typed);
      const results = await Promise.allSettled([
        ...typed.map((marker) => (marker.startsWith(holder.name) ? holder : other).type('race', marker)),
        holder.compact('race'),
        // The other instance still believes it holds the lease from its last turn.
        ...(other.token === null ? [] : [other.compact('race')]),
        holder.compact('race'),
      ]);
      for (const result of results) {
        if (result.status === 'fulfilled') continue;
        expect(result.reason).toMatchObject({ code: 'fenced' });
        fenced++;
      }
      await holder.store.leases.release('race', holder.name);
    }
    expect(fenced).toBeGreaterThan(0);
    const stored = await instances[0]!.store.load('race');
    const text = docOf(stored).getText('t').toString();
    const missing = markers.filter((marker) => !text.includes(`${marker} `));
    expect(missing).toEqual([]);
    // Compaction kept up: the log holds at most what was appended after the last snapshot read it.
    expect(stored!.updates.length).toBeLessThanOrEqual(12);
  });

  it('keeps log records that are not Yjs updates, after the snapshot, instead of failing the compaction', async () => {
    const store = await openStore();
    const a = new Instance('a', store);
    await a.type('doc', 'a-1');
    await store.appendUpdates('doc', [new Uint8Array([9, 9, 9])]);
    await a.type('doc', 'a-2');
    await store.writeSnapshot('doc', Y.encodeStateAsUpdate(a.doc));
    const loaded = (await store.load('doc'))!;
    expect(loaded.updates.map((update) => [...update])).toEqual([[9, 9, 9]]);
    expect(Y.encodeStateAsUpdate(a.doc)).toEqual(loaded.snapshot);
  });
});

describe('PostgresDocumentStore while PostgreSQL fails', () => {
  it('keeps committed appends across a crash, fails fast while PostgreSQL is down, and recovers with the same store', { timeout: 60_000 }, async () => {
    const connectionErrors: StorageError[] = [];
    const store = await openStore({ onConnectionError: (error) => connectionErrors.push(error) });
    const a = new Instance('a', store);
    for (let index = 0; index < 20; index++) await a.type('durable', `line-${index}`);
    await store.checkWritable();

    await postgres.kill();
    try {
      const startedAt = Date.now();
      const error = await rejectionOf(store.appendUpdates('durable', [new Uint8Array([1])]));
      expect(error).toBeInstanceOf(StorageError);
      expect(error).toMatchObject({ code: 'io', message: expect.stringContaining(`PostgreSQL at ${store.describe()}`) });
      await expect(store.load('durable')).rejects.toMatchObject({ code: 'io' });
      await expect(store.leases.acquire('durable', 'a', 1000)).rejects.toMatchObject({ code: 'io' });
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      // Once the cached answer from before the crash has run out, readiness says so.
      const unwritable = await eventually('checkWritable to reject', () => store.checkWritable().then(() => null, (error: unknown) => error));
      expect(unwritable).toMatchObject({ code: 'io' });
    } finally {
      await postgres.restart();
    }

    const text = docOf(await store.load('durable')).getText('t').toString();
    for (let index = 0; index < 20; index++) expect(text).toContain(`line-${index} `);
    await a.type('durable', 'after-restart');
    expect(docOf(await store.load('durable')).getText('t').toString()).toContain('after-restart');
    // A failure from while it was down may stand for a second: the probe's answer is cached.
    await eventually('checkWritable to resolve', () => store.checkWritable().then(() => true, () => null));
  });

  it('survives a restart that ends its idle connections, reporting them through onConnectionError', { timeout: 60_000 }, async () => {
    const connectionErrors: StorageError[] = [];
    const store = await openStore({ onConnectionError: (error) => connectionErrors.push(error), poolSize: 3 });
    // Several idle connections in the pool, which a fast shutdown terminates (57P01).
    await Promise.all(Array.from({ length: 3 }, (_, index) => store.appendUpdates(`doc-${index}`, [new Uint8Array([index])])));
    await postgres.restart();
    await eventually('the pool to report its broken idle connections', async () => (connectionErrors.length > 0 ? true : null));
    expect(connectionErrors[0]).toMatchObject({ code: 'io', message: expect.stringContaining('PostgreSQL at') });
    await store.appendUpdates('doc-0', [new Uint8Array([7])]);
    expect((await store.load('doc-0'))?.updates.map((update) => [...update])).toEqual([[0], [7]]);
  });
});
