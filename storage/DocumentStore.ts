/**
 * Where document state lives between sessions. The server holds the live
 * Y.Doc; a store only sees opaque bytes (Yjs updates and state snapshots)
 * and metadata, so implementations need no knowledge of the server (a shared store merges
 * Yjs updates, see `leases`).
 *
 * A document is a snapshot plus a log of updates appended since. Appending is
 * cheap and durable, so every accepted edit is on disk before the server calls
 * it saved; snapshots are written now and then to keep the log short.
 *
 * Every implementation must pass `tests/unit/documentStoreContract.ts`.
 */
export interface DocumentStore {
  /** Returns the stored document, or `null` when no document of that name exists. */
  load(documentName: string): Promise<StoredDocument | null>;
  /**
   * Appends updates to the document's log, in order, creating the document if
   * needed. Resolves once they are durable (on disk, fsynced): only then may
   * anyone be told they are saved. Concurrent calls are written in call order.
   */
  appendUpdates(documentName: string, updates: readonly Uint8Array[], options?: WriteOptions): Promise<void>;
  /**
   * Replaces the document's snapshot. `state` must contain every update
   * appended before this call; log records it covers are then dropped. Atomic:
   * a reader sees the old or the new snapshot, never a mix. A snapshot that
   * cannot be read is never overwritten (rejects with `corrupt`). `metadata` is stored with the
   * snapshot and reported by `list()` until the next snapshot replaces it.
   */
  writeSnapshot(documentName: string, state: Uint8Array, metadata?: SnapshotMetadata): Promise<void>;
  /** Removes a document, its log and any kept previous snapshot. Returns `false` when there was nothing to remove. */
  delete(documentName: string): Promise<boolean>;
  /** Metadata of every stored document, sorted by name. */
  list(): Promise<DocumentInfo[]>;
  /** Metadata of one document, as `list()` reports it, without reading the others; `null` when it does not exist. */
  info(documentName: string): Promise<DocumentInfo | null>;
  /**
   * Resolves when a write would succeed now; rejects with a `StorageError`
   * saying why not (`io` with the operating system's message, `locked`,
   * `closed`). Cheap enough to call on every readiness probe: implementations
   * that touch a disk may reuse a result for about a second.
   */
  checkWritable(): Promise<void>;
  /** Releases files, locks and handles. Further calls fail with `StorageError('closed')`. */
  close(): Promise<void>;
  /**
   * Present on stores that several server instances share (PostgreSQL), absent on stores one
   * process owns. Only the holder of a document's lease writes its snapshots (compaction), and
   * such a store refuses a snapshot whose lease has since passed to another holder (`fenced`).
   * A shared store also folds into each snapshot the log records it drops and any snapshot it
   * replaces that another holder wrote, so a compaction never loses what other instances appended.
   */
  readonly leases?: CompactionLeases;
  /**
   * Present on shared stores. Another instance may still write a document that was just deleted
   * (an append already under way, or an instance that never heard of the deletion): a write that
   * names the generation it loaded is refused with `deleted` once the document was deleted since.
   */
  readonly deletions?: DeletionGenerations;
}

/** Counts the deletions of each document, so writes meant for a deleted document can be refused. */
export interface DeletionGenerations {
  /** The document's generation now: 0 until its first deletion, one more after each. Read it before `load`. */
  current(documentName: string): Promise<number>;
}

/** Conditions a write must meet on a shared store. */
export interface WriteOptions {
  /** From `DeletionGenerations.current`: refuse with `deleted` if the document was deleted since. */
  generation?: number;
}

/** The right to write one document's snapshots, held by one server instance at a time. */
export interface CompactionLeases {
  /**
   * Takes, or renews, the lease on `documentName` for `holder` for `ttlMs`. Resolves to the
   * fencing token to pass with each snapshot (`SnapshotMetadata.fencingToken`), which grows
   * every time the lease changes hands, or `null` while another holder's lease runs.
   */
  acquire(documentName: string, holder: string, ttlMs: number): Promise<number | null>;
  /** Gives the lease up before it runs out (a room being unloaded), if `holder` still has it. */
  release(documentName: string, holder: string): Promise<void>;
}

/** What the server knows about a document's content, kept with its snapshot so `list()` need not decode it. */
export interface SnapshotMetadata {
  /** The document's title (its first heading) when the snapshot was taken. */
  title?: string;
  /**
   * The fencing token from `CompactionLeases.acquire`. A shared store refuses the snapshot with
   * `fenced` when the lease has been given to another holder since (a paused instance waking up).
   */
  fencingToken?: number;
  /** See `WriteOptions.generation`. */
  generation?: number;
}

/** Titles longer than this are cut by the server before they reach a store. */
export const TITLE_MAX_LENGTH = 200;

export interface DocumentInfo {
  documentName: string;
  /** The title stored with the last snapshot (see `SnapshotMetadata`); absent when it had none. */
  title?: string;
  /** Bytes stored for the document: snapshot plus log. */
  size: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the stored file exists but cannot be read; says what is wrong with it. */
  damaged?: string;
}

export interface StoredDocument extends DocumentInfo {
  /** The last snapshot, or `null` when the document so far exists only as log records. */
  snapshot: Uint8Array | null;
  /** Updates appended after (or around) that snapshot, in order; applying one twice is harmless. */
  updates: Uint8Array[];
  /** Problems found and worked around while loading, such as a torn last log record. */
  warnings: string[];
}

export type StorageErrorCode =
  /** Another process holds the data directory. */
  | 'locked'
  /** A stored file exists but cannot be read as a document. */
  | 'corrupt'
  /** The name cannot be stored (the caller should have validated it). */
  | 'invalid-name'
  /** The store was closed. */
  | 'closed'
  /** The operating system refused a read or write, or a database server could not be reached. */
  | 'io'
  /** A snapshot was refused: its compaction lease has since been given to another holder. */
  | 'fenced'
  /** A write was refused: the document was deleted after the writer loaded it. */
  | 'deleted';

/** The one error class of the storage layer; `code` says what went wrong. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}
