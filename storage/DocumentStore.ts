/**
 * Where document state lives between sessions. The server holds the live
 * Y.Doc; a store only sees opaque bytes (a Yjs state update) and metadata, so
 * implementations need no knowledge of Yjs or of the server.
 *
 * Every implementation must pass `tests/unit/documentStoreContract.ts`.
 */
export interface DocumentStore {
  /** Returns the stored document, or `null` when no document of that name exists. */
  load(documentName: string): Promise<StoredDocument | null>;
  /** Replaces the stored state of a document, creating it if needed. Atomic: a reader sees the old or the new state, never a mix. */
  save(documentName: string, state: Uint8Array): Promise<void>;
  /** Removes a document. Returns `false` when there was nothing to remove. */
  delete(documentName: string): Promise<boolean>;
  /** Metadata of every stored document, sorted by name. */
  list(): Promise<DocumentInfo[]>;
  /** Releases files, locks and handles. Further calls fail with `StorageError('closed')`. */
  close(): Promise<void>;
}

export interface DocumentInfo {
  documentName: string;
  /** Size of the stored Yjs state in bytes. */
  size: number;
  createdAt: Date;
  updatedAt: Date;
  /** Set when the stored file exists but cannot be read; says what is wrong with it. */
  damaged?: string;
}

export interface StoredDocument extends DocumentInfo {
  state: Uint8Array;
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
  /** The operating system refused a read or write. */
  | 'io';

/** The one error class of the storage layer; `code` says what went wrong. */
export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}
