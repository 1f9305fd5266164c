import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareDocumentNames } from './compareDocumentNames.js';
import { StorageError } from './DocumentStore.js';
import { documentFileName, documentNameFromFileName } from './documentFileName.js';
import { logSegmentPrefix } from './DocumentLog.js';
import { DocumentRecordFile } from './DocumentRecordFile.js';
import { isErrnoException } from './isErrnoException.js';
import { ioError } from './ioError.js';
import { decodeLogRecords } from './logRecords.js';

/** One document's files as read without the lock: the raw bytes, for the caller to merge. */
export interface DocumentFiles {
  documentName: string;
  /** The snapshot file, or `null` when the document so far exists only as log records. */
  snapshot: { state: Uint8Array; coversLogSegment: number; title: string | null; createdAt: Date; updatedAt: Date } | null;
  /** Records of the log segments the snapshot does not cover, oldest first. */
  updates: Uint8Array[];
  /** Damage worked around, as `JsonDocumentStore.load` would (a torn record at the end of a segment). */
  warnings: string[];
  /** Bytes of the snapshot's state plus the log segments read. */
  bytes: number;
}

/**
 * Reads a JSON data directory without taking its lock, so that `tandem
 * export`, `check` and `backup` work while a server is writing to it. Never
 * writes.
 *
 * Consistency without the lock comes from the order of the reads: a
 * document's log segments are read *before* its snapshot. The server deletes
 * a segment only after a snapshot covering it is durable, and a snapshot file
 * is only ever replaced (atomically) by a newer one. So every update appended
 * before the read began is either in a segment read here or in the snapshot
 * read after it; a segment that vanished between listing and reading was
 * covered by a snapshot written before it vanished. The caller merges the
 * snapshot with the records (applying a Yjs update twice is harmless). Read in
 * the other order, a compaction in between could lose the segments written
 * after the old snapshot.
 *
 * @example
 * const reader = new DataDirectoryReader('/srv/tandem');
 * for (const name of await reader.listDocumentNames()) console.log(await reader.read(name));
 */
export class DataDirectoryReader {
  readonly dataDir: string;
  readonly documentsDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
    this.documentsDir = join(dataDir, 'documents');
  }

  /** Names of the documents with a snapshot or log segments, sorted. Rejects with `io` when there is no data directory. */
  async listDocumentNames(): Promise<string[]> {
    const names = new Set<string>();
    for (const fileName of await this.#fileNames()) {
      const prefix = fileName.endsWith('.json') ? fileName.slice(0, -'.json'.length) : logSegmentPrefix(fileName);
      if (prefix === null || fileName.startsWith('.')) continue;
      const documentName = documentNameFromFileName(prefix);
      if (documentName !== null) names.add(documentName);
    }
    return [...names].sort(compareDocumentNames);
  }

  /**
   * Reads one document: log segments first, then the snapshot (see the class
   * comment). Resolves `null` when the document does not exist, or was deleted
   * while being read. Rejects with `StorageError('corrupt')` when its snapshot
   * file cannot be read as a document.
   */
  async read(documentName: string): Promise<DocumentFiles | null> {
    const prefix = documentFileName(documentName);
    const segments = (await this.#fileNames())
      .map((fileName) => segmentNumber(prefix, fileName))
      .filter((segment) => segment !== null)
      .sort((a, b) => a - b);
    const logs: { segment: number; records: Uint8Array[]; warning: string | null; bytes: number }[] = [];
    let vanished = 0;
    for (const segment of segments) {
      const path = join(this.documentsDir, `${prefix}.${String(segment).padStart(6, '0')}.log`);
      let bytes: Buffer;
      try {
        bytes = await readFile(path);
      } catch (error) {
        // Compacted (a durable snapshot covers it) or deleted with its document since the listing.
        if (isErrnoException(error) && error.code === 'ENOENT') {
          vanished++;
          continue;
        }
        throw ioError(`could not read ${path}`, error);
      }
      const { records, tornAt } = decodeLogRecords(bytes);
      // In the newest segment this may be an append in progress (not reported saved yet), not a crash.
      const warning =
        tornAt === null
          ? null
          : `${path}: skipped ${bytes.byteLength - tornAt} bytes of a torn or damaged record at offset ${tornAt} (a crash during a write, or a write in progress); ${records.length} complete records before it were recovered`;
      logs.push({ segment, records, warning, bytes: bytes.byteLength });
    }
    const record = await new DocumentRecordFile(join(this.documentsDir, `${prefix}.json`)).read();
    // Segments vanish without a snapshot only when the document is deleted (compaction needs a snapshot).
    if (record === null && (vanished > 0 || logs.length === 0)) return null;
    const covered = record?.coversLogSegment ?? 0;
    const uncovered = logs.filter((log) => log.segment > covered);
    const state = record === null ? null : Buffer.from(record.state, 'base64');
    return {
      documentName,
      snapshot:
        record === null || state === null
          ? null
          : {
              state: new Uint8Array(state.buffer, state.byteOffset, state.byteLength),
              coversLogSegment: record.coversLogSegment,
              title: record.title ?? null,
              createdAt: new Date(record.createdAt),
              updatedAt: new Date(record.updatedAt),
            },
      updates: uncovered.flatMap((log) => log.records),
      warnings: uncovered.flatMap((log) => (log.warning === null ? [] : [log.warning])),
      bytes: (state?.byteLength ?? 0) + uncovered.reduce((sum, log) => sum + log.bytes, 0),
    };
  }

  async #fileNames(): Promise<string[]> {
    try {
      return await readdir(this.documentsDir);
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') {
        throw new StorageError('io', `${this.dataDir} is not a Tandem data directory (it has no documents/ folder)`, { cause: error });
      }
      throw ioError(`could not list ${this.documentsDir}`, error);
    }
  }
}

/** The segment number of `fileName` when it is one of `prefix`'s log segments, else `null`. */
function segmentNumber(prefix: string, fileName: string): number | null {
  const start = `${prefix}.`;
  if (!fileName.startsWith(start) || !fileName.endsWith('.log')) return null;
  const middle = fileName.slice(start.length, -'.log'.length);
  return /^\d{6,}$/.test(middle) ? Number(middle) : null;
}
