import { checkDocumentName } from '../common/documentName.js';
import { compareDocumentNames } from './compareDocumentNames.js';
import { StorageError, type DocumentInfo, type DocumentStore, type StoredDocument } from './DocumentStore.js';

/**
 * Keeps documents in process memory. For tests and for throwaway servers
 * (`--store memory`): everything is gone when the process exits.
 */
export class MemoryDocumentStore implements DocumentStore {
  readonly #documents = new Map<string, StoredDocument>();
  #closed = false;

  async load(documentName: string): Promise<StoredDocument | null> {
    this.#assertOpen();
    const stored = this.#documents.get(documentName);
    return stored ? { ...stored, state: stored.state.slice() } : null;
  }

  async save(documentName: string, state: Uint8Array): Promise<void> {
    this.#assertOpen();
    const check = checkDocumentName(documentName);
    if (!check.ok) throw new StorageError('invalid-name', check.reason);
    const now = new Date();
    const previous = this.#documents.get(documentName);
    this.#documents.set(documentName, {
      documentName,
      state: state.slice(),
      size: state.byteLength,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    });
  }

  async delete(documentName: string): Promise<boolean> {
    this.#assertOpen();
    return this.#documents.delete(documentName);
  }

  async list(): Promise<DocumentInfo[]> {
    this.#assertOpen();
    return [...this.#documents.values()]
      .map(({ documentName, size, createdAt, updatedAt }) => ({ documentName, size, createdAt, updatedAt }))
      .sort((a, b) => compareDocumentNames(a.documentName, b.documentName));
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('closed', 'the memory store is closed');
  }
}
