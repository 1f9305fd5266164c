import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { DataDirectoryReader } from '../../storage/DataDirectoryReader.js';
import { StorageError } from '../../storage/DocumentStore.js';
import { createContentExporter, type ContentExporter } from '../content/createContentExporter.js';
import { documentTitle } from '../rooms/documentTitle.js';

/** One document as read from a data directory, checked. */
export type ReadDocumentResult =
  | {
      kind: 'ok';
      documentName: string;
      /** The merged document; the caller destroys it. */
      doc: Y.Doc;
      title: string | null;
      /** Problems worked around, as the server would when loading it. */
      warnings: string[];
      /** Bytes of its files (snapshot plus uncovered log). */
      bytes: number;
      /** Log records merged into the snapshot. */
      logRecords: number;
    }
  | { kind: 'damaged'; documentName: string; problem: string }
  | { kind: 'missing'; documentName: string };

export interface DocumentReader {
  readonly dataDir: string;
  readonly exporter: ContentExporter;
  /** Names of the stored documents, sorted. */
  listDocumentNames(): Promise<string[]>;
  /**
   * Reads a document without the data directory's lock (safe while a server
   * writes to it, see `DataDirectoryReader`) and checks it as `tandem check`
   * does: its files parse, its Yjs state decodes and applies, and its content
   * fits the document schema. Damage is a result, never an exception.
   */
  read(documentName: string): Promise<ReadDocumentResult>;
}

/**
 * Reads and merges documents of a data directory for the CLI: storage hands
 * over raw bytes, Yjs merging happens here.
 *
 * @example
 * const reader = createDocumentReader('./data');
 * const result = await reader.read('notes'); // { kind: 'ok', doc, title, … }
 */
export function createDocumentReader(dataDir: string): DocumentReader {
  const files = new DataDirectoryReader(dataDir);
  const exporter = createContentExporter();
  const codec = createContentCodec();

  async function read(documentName: string): Promise<ReadDocumentResult> {
    let stored;
    try {
      stored = await files.read(documentName);
    } catch (error) {
      if (error instanceof StorageError && error.code === 'corrupt') return { kind: 'damaged', documentName, problem: error.message };
      throw error;
    }
    if (stored === null) return { kind: 'missing', documentName };
    const warnings = [...stored.warnings];
    if (stored.snapshot) {
      try {
        Y.decodeUpdate(stored.snapshot.state);
      } catch (error) {
        return { kind: 'damaged', documentName, problem: `its snapshot is not a Yjs document state (${messageOf(error)})` };
      }
    }
    // As the server does on load: a log record that is not a Yjs update is skipped with a warning.
    const updates = stored.updates.filter((update, index) => {
      try {
        Y.decodeUpdate(update);
        return true;
      } catch (error) {
        warnings.push(`skipped log record ${index + 1} of ${stored.updates.length}: not a Yjs update (${messageOf(error)})`);
        return false;
      }
    });
    const doc = new Y.Doc({ gc: true });
    try {
      Y.applyUpdate(doc, Y.mergeUpdates(stored.snapshot ? [stored.snapshot.state, ...updates] : updates));
    } catch (error) {
      doc.destroy();
      return { kind: 'damaged', documentName, problem: `its Yjs state does not apply (${messageOf(error)})` };
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) {
      // The server keeps such changes waiting too; they show once what they depend on arrives.
      warnings.push(`holds changes that depend on changes it does not have (${doc.store.pendingStructs?.update.byteLength ?? 0} bytes wait)`);
    }
    try {
      codec.checkDocument(exporter.toJSON(doc));
    } catch (error) {
      doc.destroy();
      return { kind: 'damaged', documentName, problem: `its content does not fit the document schema (${messageOf(error)})` };
    }
    return { kind: 'ok', documentName, doc, title: documentTitle(doc), warnings, bytes: stored.bytes, logRecords: updates.length };
  }

  return { dataDir, exporter, listDocumentNames: () => files.listDocumentNames(), read };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
