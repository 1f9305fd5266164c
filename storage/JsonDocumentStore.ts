import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Low, type Adapter } from 'lowdb';
import { z } from 'zod';
import { acquireDirectoryLock, type DirectoryLock } from './acquireDirectoryLock.js';
import { compareDocumentNames } from './compareDocumentNames.js';
import { StorageError, type DocumentInfo, type DocumentStore, type StoredDocument } from './DocumentStore.js';
import { documentFileName, documentNameFromFileName } from './documentFileName.js';
import { DurableTextFile, isErrnoException, syncDirectory } from './DurableTextFile.js';

export interface JsonDocumentStoreOptions {
  /** Directory that holds `documents/` and the lock file. Created if missing. */
  dataDir: string;
  /** Called if the data-dir lock is lost while the store is open; the owner should stop serving. */
  onLockCompromised: (error: Error) => void;
  /** See `acquireDirectoryLock`. */
  lockStaleMs?: number;
}

const DOCUMENT_FORMAT = 'tandem.document/1';

/** The JSON layout of one document file: `<dataDir>/documents/<file name>.json`. */
const documentRecordSchema = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  documentName: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The Yjs state (`Y.encodeStateAsUpdate`), base64. */
  state: z.base64(),
});

type DocumentRecord = z.infer<typeof documentRecordSchema>;

/**
 * The default store: one lowdb JSON file per document, written atomically and
 * fsynced. One file per document keeps a save proportional to that document
 * and lets an operator inspect, back up or remove a single document by hand.
 * The data directory is locked so a second server cannot write to it.
 */
export class JsonDocumentStore implements DocumentStore {
  readonly dataDir: string;
  readonly documentsDir: string;
  readonly #lock: DirectoryLock;
  /** Per document, the tail of its queue of writes: saves and deletes of one document never overlap. */
  readonly #writeQueues = new Map<string, Promise<unknown>>();
  #closed = false;

  private constructor(dataDir: string, lock: DirectoryLock) {
    this.dataDir = dataDir;
    this.documentsDir = join(dataDir, 'documents');
    this.#lock = lock;
  }

  /** Creates the data directory if needed and locks it. Fails with `StorageError('locked')` if another server holds it. */
  static async open(options: JsonDocumentStoreOptions): Promise<JsonDocumentStore> {
    try {
      await mkdir(join(options.dataDir, 'documents'), { recursive: true });
    } catch (error) {
      throw ioError(`could not create ${join(options.dataDir, 'documents')}`, error);
    }
    const lock = await acquireDirectoryLock(options.dataDir, {
      onCompromised: options.onLockCompromised,
      staleMs: options.lockStaleMs,
    });
    return new JsonDocumentStore(options.dataDir, lock);
  }

  async load(documentName: string): Promise<StoredDocument | null> {
    this.#assertOpen();
    const record = await this.#read(this.#filePath(documentName));
    return record === null ? null : toStoredDocument(record);
  }

  async save(documentName: string, state: Uint8Array): Promise<void> {
    this.#assertWritable();
    const file = this.#filePath(documentName);
    // Copy now: the caller may reuse the array before the queued write runs.
    const copy = state.slice();
    return this.#enqueueWrite(documentName, () => this.#write(documentName, file, copy));
  }

  async #write(documentName: string, file: string, state: Uint8Array): Promise<void> {
    const db = new Low<DocumentRecord | null>(new DocumentRecordFile(file), null);
    // A corrupt file is never overwritten: reading first throws `corrupt`.
    await db.read();
    const now = new Date().toISOString();
    db.data = {
      format: DOCUMENT_FORMAT,
      documentName,
      createdAt: db.data?.createdAt ?? now,
      updatedAt: now,
      state: Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString('base64'),
    };
    await db.write();
  }

  async delete(documentName: string): Promise<boolean> {
    this.#assertWritable();
    const file = this.#filePath(documentName);
    return this.#enqueueWrite(documentName, () => this.#unlink(documentName, file));
  }

  async #unlink(documentName: string, file: string): Promise<boolean> {
    try {
      await unlink(file);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return false;
      throw ioError(`could not delete document "${documentName}"`, error);
    }
    try {
      await syncDirectory(this.documentsDir);
    } catch (error) {
      throw ioError(`could not sync ${this.documentsDir} after deleting "${documentName}"`, error);
    }
    return true;
  }

  async list(): Promise<DocumentInfo[]> {
    this.#assertOpen();
    let fileNames: string[];
    try {
      fileNames = await readdir(this.documentsDir);
    } catch (error) {
      throw ioError(`could not list ${this.documentsDir}`, error);
    }
    const documents = await Promise.all(
      fileNames
        .filter((fileName) => fileName.endsWith('.json') && !fileName.startsWith('.'))
        .map(async (fileName): Promise<DocumentInfo | null> => {
          const documentName = documentNameFromFileName(fileName.slice(0, -'.json'.length));
          if (documentName === null) return null;
          const path = join(this.documentsDir, fileName);
          try {
            const record = await this.#read(path);
            return record === null ? null : toDocumentInfo(record);
          } catch (error) {
            if (!(error instanceof StorageError) || error.code !== 'corrupt') throw error;
            // Listed, not hidden: the operator must see that this document needs recovery.
            const info = await stat(path).catch((statError: unknown) => {
              throw ioError(`could not read ${path}`, statError);
            });
            return { documentName, size: info.size, createdAt: info.birthtime, updatedAt: info.mtime, damaged: error.message };
          }
        }),
    );
    return documents.filter((entry): entry is DocumentInfo => entry !== null).sort((a, b) => compareDocumentNames(a.documentName, b.documentName));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#writeQueues.values());
    await this.#lock.release();
  }

  #enqueueWrite<T>(documentName: string, write: () => Promise<T>): Promise<T> {
    const previous = this.#writeQueues.get(documentName) ?? Promise.resolve();
    const next = previous.then(write, write);
    const tail = next.catch(() => undefined);
    this.#writeQueues.set(documentName, tail);
    void tail.then(() => {
      if (this.#writeQueues.get(documentName) === tail) this.#writeQueues.delete(documentName);
    });
    return next;
  }

  #filePath(documentName: string): string {
    return join(this.documentsDir, `${documentFileName(documentName)}.json`);
  }

  async #read(file: string): Promise<DocumentRecord | null> {
    const db = new Low<DocumentRecord | null>(new DocumentRecordFile(file), null);
    await db.read();
    return db.data;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('closed', `the JSON store at ${this.dataDir} is closed`);
  }

  /** After losing the lock another server may own the directory: writing could overwrite its newer documents. */
  #assertWritable(): void {
    this.#assertOpen();
    if (this.#lock.lostWith) {
      throw new StorageError('locked', `lost the lock on ${this.dataDir} (${this.#lock.lostWith.message}); refusing to write`);
    }
  }
}

/** lowdb adapter: a durable text file holding one validated document record. */
class DocumentRecordFile implements Adapter<DocumentRecord | null> {
  readonly #file: DurableTextFile;

  constructor(filename: string) {
    this.#file = new DurableTextFile(filename);
  }

  async read(): Promise<DocumentRecord | null> {
    let text: string | null;
    try {
      text = await this.#file.read();
    } catch (error) {
      throw ioError(`could not read ${this.#file.filename}`, error);
    }
    if (text === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new StorageError('corrupt', `document file ${this.#file.filename} is not valid JSON`, { cause: error });
    }
    const parsed = documentRecordSchema.safeParse(json);
    if (!parsed.success) {
      throw new StorageError('corrupt', `document file ${this.#file.filename} is not a Tandem document: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  }

  async write(record: DocumentRecord | null): Promise<void> {
    if (record === null) throw new Error('DocumentRecordFile cannot write an empty record');
    try {
      await this.#file.write(`${JSON.stringify(record, null, 2)}\n`);
    } catch (error) {
      throw ioError(`could not write ${this.#file.filename}`, error);
    }
  }
}

function toDocumentInfo(record: DocumentRecord): DocumentInfo {
  return {
    documentName: record.documentName,
    size: Buffer.byteLength(record.state, 'base64'),
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
  };
}

function toStoredDocument(record: DocumentRecord): StoredDocument {
  const bytes = Buffer.from(record.state, 'base64');
  return { ...toDocumentInfo(record), state: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

function ioError(message: string, cause: unknown): StorageError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new StorageError('io', `${message}${detail}`, { cause });
}
