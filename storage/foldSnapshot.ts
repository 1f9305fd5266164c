import * as Y from 'yjs';
import { StorageError } from './DocumentStore.js';

/** What a shared store writes for one `writeSnapshot`, see `foldSnapshot`. */
export interface SnapshotFold {
  /** The snapshot to store: the writer's state, plus whatever it lacked. */
  snapshot: Uint8Array;
  /** True when `snapshot` holds more than the writer's state, so the writer's own document may lack part of it. */
  folded: boolean;
  /** Indexes into `records` of those the snapshot holds: the log may drop exactly these. */
  covered: number[];
}

/**
 * The snapshot a store shared by several server instances writes when one of them compacts a
 * document with `state` (its own Y.Doc's state).
 *
 * Why folding makes a racing compaction lossless: the writer's document need not hold everything in
 * the store. Another instance may have appended records its clients sent that have not reached the
 * writer yet, and the snapshot being replaced may have been written by another holder (a lease that
 * changed hands) with records folded into it that the writer never saw. Dropping those would lose
 * edits. So every record read in the compaction's transaction, and the replaced snapshot when it may
 * hold something the writer lacks (`replaced`, null otherwise), is merged into the new snapshot, and
 * only the records read are dropped. Yjs merging is idempotent and commutative, so content the writer
 * already has is merged away, and the order in which racing compactions commit does not matter.
 *
 * Merging costs a decode of everything involved, so it is skipped when the state already contains
 * an update (its state vector covers the update's changes and its delete set the update's deletions):
 * the usual case, an instance compacting the records it appended itself, stores `state` as written.
 *
 * Bytes that are not Yjs updates cannot be folded: a log record that does not decode stays in the log
 * (loading returns it after the snapshot; the server skips it with a warning), and a `state` that does
 * not decode is stored as written with every record kept (stores are byte stores: the contract writes
 * arbitrary bytes). Throws `StorageError('corrupt')` rather than drop a replaced snapshot it cannot
 * fold: a snapshot that cannot be read is never overwritten.
 */
export function foldSnapshot(state: Uint8Array, replaced: Uint8Array | null, records: readonly Uint8Array[]): SnapshotFold {
  if (replaced === null && records.length === 0) return { snapshot: state, folded: false, covered: [] };
  const contains = containmentTest(state);
  if (contains === null) {
    if (replaced !== null) {
      throw new StorageError('corrupt', 'the new snapshot is not a Yjs update, so the snapshot it would replace (written by another holder) cannot be folded into it');
    }
    return { snapshot: state, folded: false, covered: [] };
  }
  const missing: Uint8Array[] = [];
  if (replaced !== null) {
    const containsReplaced = contains(replaced);
    if (containsReplaced === null) throw new StorageError('corrupt', 'the stored snapshot is not a Yjs update; it is never overwritten');
    if (!containsReplaced) missing.push(replaced);
  }
  const covered: number[] = [];
  records.forEach((record, index) => {
    const containsRecord = contains(record);
    if (containsRecord === null) return;
    covered.push(index);
    if (!containsRecord) missing.push(record);
  });
  if (missing.length === 0) return { snapshot: state, folded: false, covered };
  try {
    return { snapshot: Y.mergeUpdates([state, ...missing]), folded: true, covered };
  } catch (error) {
    throw new StorageError('corrupt', `could not merge the log into the new snapshot: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * For a Yjs update `state`, a function telling whether it contains another update (`null` when that
 * update does not decode); `null` when `state` itself does not decode. lib0's decoders throw plain
 * errors of several kinds on bytes that are not an update, so any error here means just that.
 */
function containmentTest(state: Uint8Array): ((update: Uint8Array) => boolean | null) | null {
  const snapshot = decodeOrNull(() => {
    const { ds } = Y.decodeUpdate(state);
    return Y.createSnapshot(Y.mergeDeleteSets([ds]), Y.decodeStateVector(Y.encodeStateVectorFromUpdate(state)));
  });
  if (snapshot === null) return null;
  return (update) => decodeOrNull(() => Y.snapshotContainsUpdate(snapshot, update));
}

function decodeOrNull<T>(decode: () => T): T | null {
  try {
    return decode();
  } catch {
    return null;
  }
}
