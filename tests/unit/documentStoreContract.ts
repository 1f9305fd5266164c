import { describe, expect, it } from 'vitest';
import { StorageError, TITLE_MAX_LENGTH, type DocumentStore, type StoredDocument } from '../../storage/DocumentStore.js';

const bytes = (...values: number[]) => new Uint8Array(values);
const arrays = (document: StoredDocument | null) => document?.updates.map((update) => [...update]);

/**
 * The behaviour every DocumentStore must have. Each implementation's test
 * file calls this with a factory that opens a fresh, empty store.
 */
export function documentStoreContract(implementation: string, openStore: () => Promise<DocumentStore>): void {
  describe(`DocumentStore contract: ${implementation}`, () => {
    async function withStore(run: (store: DocumentStore) => Promise<void>): Promise<void> {
      const store = await openStore();
      try {
        await run(store);
      } finally {
        await store.close();
      }
    }

    it('returns null for a document that was never written', () =>
      withStore(async (store) => {
        expect(await store.load('never-saved')).toBeNull();
      }));

    it('returns appended updates in order, creating the document', () =>
      withStore(async (store) => {
        await store.appendUpdates('doc', [bytes(1), bytes(2, 2)]);
        await store.appendUpdates('doc', [bytes(3)]);
        const loaded = await store.load('doc');
        expect(loaded?.snapshot).toBeNull();
        expect(arrays(loaded)).toEqual([[1], [2, 2], [3]]);
        expect(loaded?.warnings).toEqual([]);
        expect(loaded?.size).toBeGreaterThanOrEqual(4);
      }));

    it('keeps the call order of concurrent appends', () =>
      withStore(async (store) => {
        await Promise.all(Array.from({ length: 50 }, (_, index) => store.appendUpdates('ordered', [bytes(index)])));
        expect(arrays(await store.load('ordered'))).toEqual(Array.from({ length: 50 }, (_, index) => [index]));
      }));

    it('returns exactly the snapshot bytes that were written, with times', () =>
      withStore(async (store) => {
        const state = bytes(0, 1, 2, 250, 255, 7);
        const before = Date.now();
        await store.writeSnapshot('doc', state);
        const loaded = await store.load('doc');
        expect([...loaded!.snapshot!]).toEqual([...state]);
        expect(loaded!.documentName).toBe('doc');
        expect(loaded!.size).toBeGreaterThanOrEqual(state.byteLength);
        expect(loaded!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(loaded!.updatedAt.getTime()).toBeGreaterThanOrEqual(loaded!.createdAt.getTime());
      }));

    it('returns every update appended after a snapshot, after the snapshot', () =>
      withStore(async (store) => {
        await store.appendUpdates('doc', [bytes(1)]);
        await store.writeSnapshot('doc', bytes(9, 9));
        await store.appendUpdates('doc', [bytes(2)]);
        await store.appendUpdates('doc', [bytes(3)]);
        const loaded = await store.load('doc');
        expect([...loaded!.snapshot!]).toEqual([9, 9]);
        // Updates the snapshot covers may come back too (applying them again is harmless); the later ones must, in order, at the end.
        expect(arrays(loaded)!.slice(-2)).toEqual([[2], [3]]);
      }));

    it('keeps its own copies: changing written arrays afterwards changes nothing', () =>
      withStore(async (store) => {
        const state = bytes(1, 2, 3);
        const update = bytes(4);
        await store.writeSnapshot('copy', state);
        await store.appendUpdates('copy', [update]);
        state[0] = 9;
        update[0] = 9;
        const loaded = await store.load('copy');
        expect([...loaded!.snapshot!]).toEqual([1, 2, 3]);
        expect(arrays(loaded)!.at(-1)).toEqual([4]);
      }));

    it('a second snapshot replaces the first, keeps createdAt and moves updatedAt', () =>
      withStore(async (store) => {
        await store.writeSnapshot('doc', bytes(1));
        const first = (await store.load('doc'))!;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await store.writeSnapshot('doc', bytes(2, 2));
        const second = (await store.load('doc'))!;
        expect([...second.snapshot!]).toEqual([2, 2]);
        expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
        expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
      }));

    it('concurrent snapshots of one document leave one of the written states, never a mix', () =>
      withStore(async (store) => {
        const states = Array.from({ length: 10 }, (_, index) => new Uint8Array(1000).fill(index));
        await Promise.all(states.map((state) => store.writeSnapshot('racy', state)));
        const loaded = (await store.load('racy'))!;
        expect(loaded.snapshot!.byteLength).toBe(1000);
        expect(new Set(loaded.snapshot).size).toBe(1);
      }));

    it('treats names that differ only in case as different documents', () =>
      withStore(async (store) => {
        await store.writeSnapshot('Notes', bytes(1));
        await store.appendUpdates('notes', [bytes(2)]);
        expect([...(await store.load('Notes'))!.snapshot!]).toEqual([1]);
        expect(arrays(await store.load('notes'))).toEqual([[2]]);
        expect((await store.list()).map((info) => info.documentName)).toEqual(['Notes', 'notes']);
      }));

    it('lists every document, including those that so far exist only as log, sorted by name', () =>
      withStore(async (store) => {
        expect(await store.list()).toEqual([]);
        await store.writeSnapshot('b-doc', new Uint8Array(3));
        await store.writeSnapshot('a-doc', new Uint8Array(10));
        await store.appendUpdates('c-log-only', [new Uint8Array(5)]);
        const listed = await store.list();
        expect(listed.map(({ documentName }) => documentName)).toEqual(['a-doc', 'b-doc', 'c-log-only']);
        expect(listed[0]!.size).toBeGreaterThanOrEqual(10);
        expect(listed[2]!.size).toBeGreaterThanOrEqual(5);
        expect(listed[0]!.updatedAt).toBeInstanceOf(Date);
      }));

    it('lists the title stored with the latest snapshot, and none when that snapshot had none', () =>
      withStore(async (store) => {
        await store.writeSnapshot('titled', bytes(1), { title: 'Quarterly plan' });
        await store.appendUpdates('titled', [bytes(2)]);
        expect((await store.list()).find((info) => info.documentName === 'titled')?.title).toBe('Quarterly plan');
        await store.writeSnapshot('titled', bytes(3), { title: 'Q3 plan' });
        expect((await store.list())[0]?.title).toBe('Q3 plan');
        await store.writeSnapshot('titled', bytes(4));
        expect((await store.list())[0]).not.toHaveProperty('title');
        await store.writeSnapshot('titled', bytes(5), { title: 'x'.repeat(500) });
        expect((await store.list())[0]?.title).toHaveLength(TITLE_MAX_LENGTH);
      }));

    it('describes one document as list() does, and null for one that does not exist', () =>
      withStore(async (store) => {
        expect(await store.info('missing')).toBeNull();
        await store.writeSnapshot('titled', bytes(1, 2, 3), { title: 'Plan' });
        await store.appendUpdates('titled', [bytes(4, 5)]);
        await store.appendUpdates('log-only', [bytes(6)]);
        // A name that is a prefix of another is its own document.
        await store.writeSnapshot('title', bytes(7));
        const listed = await store.list();
        for (const name of ['titled', 'log-only', 'title']) {
          expect(await store.info(name)).toEqual(listed.find((info) => info.documentName === name));
        }
        expect((await store.info('titled'))?.title).toBe('Plan');
        expect(await store.info('Titled')).toBeNull();
        await store.delete('titled');
        expect(await store.info('titled')).toBeNull();
      }));

    it('deletes a document with its log and says whether there was one', () =>
      withStore(async (store) => {
        await store.writeSnapshot('doomed', bytes(1));
        await store.appendUpdates('doomed', [bytes(2)]);
        expect(await store.delete('doomed')).toBe(true);
        expect(await store.load('doomed')).toBeNull();
        expect(await store.list()).toEqual([]);
        expect(await store.delete('doomed')).toBe(false);
        await store.appendUpdates('log-only', [bytes(1)]);
        expect(await store.delete('log-only')).toBe(true);
        expect(await store.load('log-only')).toBeNull();
      }));

    it('refuses names that break the document-name rule', () =>
      withStore(async (store) => {
        await expect(store.writeSnapshot('../escape', bytes(1))).rejects.toThrow();
        await expect(store.appendUpdates('../escape', [bytes(1)])).rejects.toThrow();
      }));

    it('says it is writable while open, and leaves nothing behind that list() shows', () =>
      withStore(async (store) => {
        await expect(store.checkWritable()).resolves.toBeUndefined();
        await expect(Promise.all([store.checkWritable(), store.checkWritable()])).resolves.toEqual([undefined, undefined]);
        expect(await store.list()).toEqual([]);
        expect(await store.load('anything')).toBeNull();
      }));

    it('fails every call after close with StorageError("closed")', async () => {
      const store = await openStore();
      await store.close();
      await expect(store.load('x')).rejects.toMatchObject({ code: 'closed' });
      await expect(store.writeSnapshot('x', new Uint8Array())).rejects.toBeInstanceOf(StorageError);
      await expect(store.appendUpdates('x', [bytes(1)])).rejects.toMatchObject({ code: 'closed' });
      await expect(store.list()).rejects.toMatchObject({ code: 'closed' });
      await expect(store.info('x')).rejects.toMatchObject({ code: 'closed' });
      await expect(store.checkWritable()).rejects.toMatchObject({ code: 'closed' });
    });
  });
}
