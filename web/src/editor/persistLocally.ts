import { deleteDB } from 'lib0/indexeddb';
import { IndexeddbPersistence } from 'y-indexeddb';
import type * as Y from 'yjs';

export interface LocalCopy {
  /** True while a change is not yet committed to IndexedDB. */
  readonly pending: boolean;
  destroy(): Promise<void>;
  /** Stops keeping the document and deletes what this browser kept of it. */
  discard(): Promise<void>;
}

/**
 * Keeps the document in this browser's IndexedDB (y-indexeddb), so text typed
 * while offline survives closing or reloading the tab and is sent when the
 * connection returns. Returns `null` where IndexedDB is unavailable.
 *
 * `pending` is exact, not a guess: after each change a read-only transaction
 * is queued on the same store, and IndexedDB runs it only after the
 * y-indexeddb write before it has committed.
 */
export function persistLocally(doc: Y.Doc, databaseName: string, onPendingChange: (pending: boolean) => void = () => undefined): LocalCopy | null {
  if (typeof indexedDB === 'undefined') return null;
  const persistence = new IndexeddbPersistence(databaseName, doc);
  let generation = 0;
  let committed = 0;
  let loaded = false;

  // Rejection is impossible here: y-indexeddb only resolves whenSynced.
  void persistence.whenSynced.then(() => {
    loaded = true;
    confirm(generation);
  });

  function confirm(target: number): void {
    const db = (persistence as unknown as { db: IDBDatabase | null }).db;
    if (!db) return;
    const transaction = db.transaction(['updates'], 'readonly');
    transaction.oncomplete = () => {
      const wasPending = committed < generation;
      committed = Math.max(committed, target);
      if (wasPending && committed >= generation) onPendingChange(false);
    };
  }

  const onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin === persistence) return;
    const wasPending = committed < generation;
    generation += 1;
    if (!wasPending) onPendingChange(true);
    // Before the database is open, y-indexeddb stores the whole document once it opens.
    if (loaded) confirm(generation);
  };
  doc.on('update', onUpdate);

  return {
    get pending() {
      return committed < generation;
    },
    async destroy() {
      doc.off('update', onUpdate);
      await persistence.destroy();
    },
    async discard() {
      doc.off('update', onUpdate);
      await persistence.destroy();
      await deleteDB(databaseName);
    },
  };
}
