import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { acquireDirectoryLock, type DirectoryLock } from './acquireDirectoryLock.js';
import { compareDocumentNames } from './compareDocumentNames.js';
import { StorageError, TITLE_MAX_LENGTH, type DocumentInfo, type DocumentStore, type SnapshotMetadata, type StoredDocument } from './DocumentStore.js';
import { documentFileName, documentNameFromFileName } from './documentFileName.js';
import { DocumentLog, logSegmentPrefix } from './DocumentLog.js';
import { DOCUMENT_FORMAT, DocumentRecordFile, type DocumentRecord } from './DocumentRecordFile.js';
import { syncDirectory } from './DurableTextFile.js';
import { isErrnoException } from './isErrnoException.js';
import { ioError } from './ioError.js';
import { unlinkIfPresent } from './unlinkIfPresent.js';

export interface JsonDocumentStoreOptions {
  /** Directory that holds `documents/` and the lock file. Created if missing. */
  dataDir: string;
  /** Called if the data-dir lock is lost while the store is open; the owner should stop serving. */
  onLockCompromised: (error: Error) => void;
  /** See `acquireDirectoryLock`. */
  lockStaleMs?: number;
}

/** How long one probe's answer stands: a scraper polling readiness every few ms must not turn into disk writes. */
const WRITABLE_PROBE_TTL_MS = 1000;

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
  /** Per document, its update log (created on first use). */
  readonly #logs = new Map<string, DocumentLog>();
  /** Per document, the tail of its queue of snapshot writes and deletes: they never overlap. */
  readonly #writeQueues = new Map<string, Promise<unknown>>();
  #closed = false;
  /** The last writability probe and when it started; concurrent checks share it. */
  #writableProbe: { startedAt: number; result: Promise<void> } | null = null;

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
    const record = await this.#read(this.#snapshotPath(documentName));
    // Segments the snapshot covers are inside it: the rotation that ends them is queued in the same
    // tick as the snapshot's state is taken, after every append made before it.
    const log = await this.#log(documentName).read(record?.coversLogSegment ?? 0);
    if (record === null && log.bytes === 0) return null;
    const snapshot = record === null ? null : decodeState(record.state);
    const now = new Date();
    const updatedAt = latest(record ? new Date(record.updatedAt) : null, log.updatedAt) ?? now;
    return {
      documentName,
      snapshot,
      updates: log.updates,
      warnings: log.warnings,
      size: (snapshot?.byteLength ?? 0) + log.bytes,
      createdAt: record ? new Date(record.createdAt) : updatedAt,
      updatedAt,
    };
  }

  async appendUpdates(documentName: string, updates: readonly Uint8Array[]): Promise<void> {
    this.#assertWritable();
    if (updates.length === 0) return;
    await this.#log(documentName).append(updates.map((update) => update.slice()));
  }

  async writeSnapshot(documentName: string, state: Uint8Array, metadata: SnapshotMetadata = {}): Promise<void> {
    this.#assertWritable();
    const file = this.#snapshotPath(documentName);
    // Copy now: the caller may reuse the array before the queued write runs.
    const copy = state.slice();
    // Appends made after this point go to a new segment; the snapshot covers the ones before.
    const covered = await this.#log(documentName).rotate();
    return this.#enqueueWrite(documentName, () => this.#writeSnapshot(documentName, file, copy, covered, metadata));
  }

  async #writeSnapshot(documentName: string, file: string, state: Uint8Array, coversLogSegment: number, metadata: SnapshotMetadata): Promise<void> {
    const db = new Low<DocumentRecord | null>(new DocumentRecordFile(file), null);
    // A corrupt snapshot is never overwritten: reading first throws `corrupt`.
    await db.read();
    const previous = db.data;
    if (previous) {
      // Keep the previous generation: with the log segments after it, an operator can rebuild the document from it.
      await new DocumentRecordFile(`${file}.prev`).write(previous);
    }
    const now = new Date().toISOString();
    db.data = {
      format: DOCUMENT_FORMAT,
      documentName,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      coversLogSegment,
      state: Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString('base64'),
      ...(metadata.title ? { title: metadata.title.slice(0, TITLE_MAX_LENGTH) } : {}),
    };
    await db.write();
    // Only now, with the new snapshot durable, drop what the *previous* snapshot covered: the segments
    // between the two stay, so the kept previous snapshot plus the log still rebuild the document.
    if (previous) await this.#log(documentName).deleteThrough(previous.coversLogSegment);
  }

  async delete(documentName: string): Promise<boolean> {
    this.#assertWritable();
    const file = this.#snapshotPath(documentName);
    return this.#enqueueWrite(documentName, async () => {
      const hadSnapshot = await unlinkIfPresent(file);
      await unlinkIfPresent(`${file}.prev`);
      const hadLog = (await this.#log(documentName).deleteAll()) > 0;
      this.#logs.delete(documentName);
      try {
        await syncDirectory(this.documentsDir);
      } catch (error) {
        throw ioError(`could not sync ${this.documentsDir} after deleting "${documentName}"`, error);
      }
      return hadSnapshot || hadLog;
    });
  }

  async list(): Promise<DocumentInfo[]> {
    this.#assertOpen();
    const filesByPrefix = new Map<string, DocumentFiles>();
    for (const fileName of await this.#readDocumentsDir()) {
      const prefix = documentFilePrefix(fileName);
      if (prefix === null) continue;
      let files = filesByPrefix.get(prefix);
      if (!files) filesByPrefix.set(prefix, (files = { snapshot: null, segments: [] }));
      addDocumentFile(files, fileName);
    }
    const documents = await Promise.all([...filesByPrefix].map(([prefix, files]) => this.#describe(prefix, files)));
    return documents.filter((document): document is DocumentInfo => document !== null).sort((a, b) => compareDocumentNames(a.documentName, b.documentName));
  }

  async info(documentName: string): Promise<DocumentInfo | null> {
    this.#assertOpen();
    const prefix = documentFileName(documentName);
    const files: DocumentFiles = { snapshot: null, segments: [] };
    // Reads only this document's snapshot; the directory listing finds its log segments.
    for (const fileName of await this.#readDocumentsDir()) {
      if (documentFilePrefix(fileName) === prefix) addDocumentFile(files, fileName);
    }
    if (files.snapshot === null && files.segments.length === 0) return null;
    return this.#describe(prefix, files);
  }

  async #readDocumentsDir(): Promise<string[]> {
    try {
      return await readdir(this.documentsDir);
    } catch (error) {
      throw ioError(`could not list ${this.documentsDir}`, error);
    }
  }

  /** A document's metadata from its files, without decoding its content; `null` when it is not a document. */
  async #describe(prefix: string, files: DocumentFiles): Promise<DocumentInfo | null> {
    const documentName = documentNameFromFileName(prefix);
    if (documentName === null) return null;
    // A segment may be deleted by a snapshot between readdir and stat: it no longer counts.
    const segmentStats = (await Promise.all(files.segments.map((fileName) => this.#statIfPresent(join(this.documentsDir, fileName))))).filter(
      (info) => info !== null,
    );
    const logBytes = segmentStats.reduce((sum, info) => sum + info.size, 0);
    const logUpdatedAt = latest(...segmentStats.map((info) => info.mtime));
    if (files.snapshot === null) {
      const when = logUpdatedAt ?? new Date();
      return { documentName, size: logBytes, createdAt: when, updatedAt: when };
    }
    const path = join(this.documentsDir, files.snapshot);
    try {
      const record = await this.#read(path);
      if (record === null) return null;
      return {
        documentName,
        size: Buffer.byteLength(record.state, 'base64') + logBytes,
        createdAt: new Date(record.createdAt),
        updatedAt: latest(new Date(record.updatedAt), logUpdatedAt) ?? new Date(record.updatedAt),
        ...(record.title ? { title: record.title } : {}),
      };
    } catch (error) {
      if (!(error instanceof StorageError) || error.code !== 'corrupt') throw error;
      // Listed, not hidden: the operator must see that this document needs recovery.
      const info = await this.#stat(path);
      return { documentName, size: info.size + logBytes, createdAt: info.birthtime, updatedAt: info.mtime, damaged: error.message };
    }
  }

  async checkWritable(): Promise<void> {
    this.#assertWritable();
    const now = Date.now();
    if (this.#writableProbe === null || now - this.#writableProbe.startedAt >= WRITABLE_PROBE_TTL_MS) {
      const result = this.#probeWritable();
      // A cached failure is reported to every caller that asks; this only keeps it from counting as unhandled meanwhile.
      result.catch(() => undefined);
      this.#writableProbe = { startedAt: now, result };
    }
    return this.#writableProbe.result;
  }

  /** Writes, fsyncs and removes a small file where documents are written: the same path a save takes. */
  async #probeWritable(): Promise<void> {
    const probe = join(this.documentsDir, `.writable-probe-${randomUUID()}`);
    try {
      const handle = await open(probe, 'wx', 0o600);
      try {
        await handle.writeFile('probe\n', 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      // The write's error is the one that says what is wrong; a probe left behind is a hidden file that list() skips.
      await unlinkIfPresent(probe).catch(() => undefined);
      throw ioError(`cannot write to ${this.documentsDir}`, error);
    }
    await unlinkIfPresent(probe);
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

  #snapshotPath(documentName: string): string {
    return join(this.documentsDir, `${documentFileName(documentName)}.json`);
  }

  #log(documentName: string): DocumentLog {
    let log = this.#logs.get(documentName);
    if (!log) {
      const snapshotPath = this.#snapshotPath(documentName);
      log = new DocumentLog(this.documentsDir, documentFileName(documentName), async () => (await this.#read(snapshotPath))?.coversLogSegment ?? 0);
      this.#logs.set(documentName, log);
    }
    return log;
  }

  async #statIfPresent(path: string) {
    try {
      return await stat(path);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return null;
      throw ioError(`could not read ${path}`, error);
    }
  }

  async #stat(path: string) {
    try {
      return await stat(path);
    } catch (error) {
      throw ioError(`could not read ${path}`, error);
    }
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

function decodeState(base64: string): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function latest(...dates: (Date | null)[]): Date | null {
  let newest: Date | null = null;
  for (const date of dates) if (date && (!newest || date > newest)) newest = date;
  return newest;
}

/** The files of one document in the documents directory: its snapshot and its log segments. */
interface DocumentFiles {
  snapshot: string | null;
  segments: string[];
}

/** The document file-name prefix a file belongs to, or `null` for files that are not a document's (hidden probes and temporaries). */
function documentFilePrefix(fileName: string): string | null {
  if (fileName.startsWith('.')) return null;
  if (fileName.endsWith('.json')) return fileName.slice(0, -'.json'.length);
  return logSegmentPrefix(fileName);
}

function addDocumentFile(files: DocumentFiles, fileName: string): void {
  if (fileName.endsWith('.json')) files.snapshot = fileName;
  else files.segments.push(fileName);
}
