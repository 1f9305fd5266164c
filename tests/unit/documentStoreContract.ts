import { describe, expect, it } from 'vitest';
import { StorageError, type DocumentStore } from '../../storage/DocumentStore.js';

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

    it('returns null for a document that was never saved', () =>
      withStore(async (store) => {
        expect(await store.load('never-saved')).toBeNull();
      }));

    it('returns exactly the bytes that were saved, with size and times', () =>
      withStore(async (store) => {
        const state = new Uint8Array([0, 1, 2, 250, 255, 7]);
        const before = Date.now();
        await store.save('doc', state);
        const loaded = await store.load('doc');
        expect(loaded).not.toBeNull();
        expect([...loaded!.state]).toEqual([...state]);
        expect(loaded!.documentName).toBe('doc');
        expect(loaded!.size).toBe(state.byteLength);
        expect(loaded!.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
        expect(loaded!.updatedAt.getTime()).toBeGreaterThanOrEqual(loaded!.createdAt.getTime());
      }));

    it('keeps its own copy: changing the saved array afterwards changes nothing', () =>
      withStore(async (store) => {
        const state = new Uint8Array([1, 2, 3]);
        await store.save('copy', state);
        state[0] = 9;
        expect([...(await store.load('copy'))!.state]).toEqual([1, 2, 3]);
      }));

    it('a second save replaces the state, keeps createdAt and moves updatedAt', () =>
      withStore(async (store) => {
        await store.save('doc', new Uint8Array([1]));
        const first = (await store.load('doc'))!;
        await new Promise((resolve) => setTimeout(resolve, 5));
        await store.save('doc', new Uint8Array([2, 2]));
        const second = (await store.load('doc'))!;
        expect([...second.state]).toEqual([2, 2]);
        expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
        expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
      }));

    it('concurrent saves of one document leave one of the written states, never a mix', () =>
      withStore(async (store) => {
        const states = Array.from({ length: 10 }, (_, index) => new Uint8Array(1000).fill(index));
        await Promise.all(states.map((state) => store.save('racy', state)));
        const loaded = (await store.load('racy'))!;
        expect(loaded.size).toBe(1000);
        expect(new Set(loaded.state).size).toBe(1);
      }));

    it('treats names that differ only in case as different documents', () =>
      withStore(async (store) => {
        await store.save('Notes', new Uint8Array([1]));
        await store.save('notes', new Uint8Array([2]));
        expect([...(await store.load('Notes'))!.state]).toEqual([1]);
        expect([...(await store.load('notes'))!.state]).toEqual([2]);
        expect((await store.list()).map((info) => info.documentName)).toEqual(['Notes', 'notes']);
      }));

    it('lists every document with its size, sorted by name', () =>
      withStore(async (store) => {
        expect(await store.list()).toEqual([]);
        await store.save('b-doc', new Uint8Array(3));
        await store.save('a-doc', new Uint8Array(10));
        const listed = await store.list();
        expect(listed.map(({ documentName, size }) => ({ documentName, size }))).toEqual([
          { documentName: 'a-doc', size: 10 },
          { documentName: 'b-doc', size: 3 },
        ]);
        expect(listed[0]!.updatedAt).toBeInstanceOf(Date);
      }));

    it('deletes a document and says whether there was one', () =>
      withStore(async (store) => {
        await store.save('doomed', new Uint8Array([1]));
        expect(await store.delete('doomed')).toBe(true);
        expect(await store.load('doomed')).toBeNull();
        expect(await store.list()).toEqual([]);
        expect(await store.delete('doomed')).toBe(false);
      }));

    it('refuses names that break the document-name rule', () =>
      withStore(async (store) => {
        await expect(store.save('../escape', new Uint8Array([1]))).rejects.toThrow();
      }));

    it('fails every call after close with StorageError("closed")', async () => {
      const store = await openStore();
      await store.close();
      await expect(store.load('x')).rejects.toMatchObject({ code: 'closed' });
      await expect(store.save('x', new Uint8Array())).rejects.toBeInstanceOf(StorageError);
      await expect(store.list()).rejects.toMatchObject({ code: 'closed' });
    });
  });
}
