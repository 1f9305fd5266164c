import { checkDocumentName } from '../common/documentName.js';
import { compareDocumentNames } from './compareDocumentNames.js';
import { StorageError, TITLE_MAX_LENGTH, type DocumentInfo, type DocumentStore, type SnapshotMetadata, type StoredDocument } from './DocumentStore.js';

interface MemoryDocument {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  createdAt: Date;
  updatedAt: Date;
  title?: string;
}

/**
 * Keeps documents in process memory. For tests and for throwaway servers
 * (`--store memory`): everything is gone when the process exits.
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly #documents = new Map<string, MemoryDocument>();
  #closed = false;

  async load(documentName: string): Promise<StoredDocument | null> {
    this.#assertOpen();
    const stored = this.#documents.get(documentName);
    if (!stored) return null;
    return {
      documentName,
      snapshot: stored.snapshot?.slice() ?? null,
      updates: stored.updates.map((update) => update.slice()),
      warnings: [],
      size: sizeOf(stored),
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
    };
  }

  async appendUpdates(documentName: string, updates: readonly Uint8Array[]): Promise<void> {
    const document = this.#writable(documentName);
    document.updates.push(...updates.map((update) => update.slice()));
    document.updatedAt = new Date();
  }

  async writeSnapshot(documentName: string, state: Uint8Array, metadata: SnapshotMetadata = {}): Promise<void> {
    const document = this.#writable(documentName);
    document.snapshot = state.slice();
    if (metadata.title) document.title = metadata.title.slice(0, TITLE_MAX_LENGTH);
    else delete document.title;
    // Everything appended so far is in the snapshot.
    document.updates = [];
    document.updatedAt = new Date();
  }

  async delete(documentName: string): Promise<boolean> {
    this.#assertOpen();
    return this.#documents.delete(documentName);
  }

  async list(): Promise<DocumentInfo[]> {
    this.#assertOpen();
    return [...this.#documents.keys()].map((documentName) => this.#describe(documentName)!).sort((a, b) => compareDocumentNames(a.documentName, b.documentName));
  }

  async info(documentName: string): Promise<DocumentInfo | null> {
    this.#assertOpen();
    return this.#describe(documentName);
  }

  #describe(documentName: string): DocumentInfo | null {
    const document = this.#documents.get(documentName);
    if (!document) return null;
    return {
      documentName,
      size: sizeOf(document),
      createdAt: document.createdAt,
      updatedAt: document.updatedAt,
      ...(document.title ? { title: document.title } : {}),
    };
  }

  /** Memory is always writable while the store is open. */
  async checkWritable(): Promise<void> {
    this.#assertOpen();
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #writable(documentName: string): MemoryDocument {
    this.#assertOpen();
    const check = checkDocumentName(documentName);
    if (!check.ok) throw new StorageError('invalid-name', check.reason);
    let document = this.#documents.get(documentName);
    if (!document) {
      const now = new Date();
      document = { snapshot: null, updates: [], createdAt: now, updatedAt: now };
      this.#documents.set(documentName, document);
    }
    return document;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('closed', 'the memory store is closed');
  }
}

function sizeOf(document: MemoryDocument): number {
  return (document.snapshot?.byteLength ?? 0) + document.updates.reduce((sum, update) => sum + update.byteLength, 0);
}
