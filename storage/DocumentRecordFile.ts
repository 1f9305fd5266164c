import type { Adapter } from 'lowdb';
import { z } from 'zod';
import { StorageError, TITLE_MAX_LENGTH } from './DocumentStore.js';
import { DurableTextFile } from './DurableTextFile.js';
import { ioError } from './ioError.js';

export const DOCUMENT_FORMAT = 'tandem.document/1';

/** The JSON layout of one document file: `<dataDir>/documents/<file name>.json`. */
export const documentRecordSchema = z.object({
  format: z.literal(DOCUMENT_FORMAT),
  documentName: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** Log segments up to this number are contained in `state`. */
  coversLogSegment: z.number().int().min(0),
  /** The Yjs state (`Y.encodeStateAsUpdate`), base64. */
  state: z.base64(),
  /** See `SnapshotMetadata.title`; absent in files written before titles were kept. */
  title: z.string().max(TITLE_MAX_LENGTH).optional(),
});

export type DocumentRecord = z.infer<typeof documentRecordSchema>;

/** lowdb adapter: a durable text file holding one validated document record. */
export class DocumentRecordFile implements Adapter<DocumentRecord | null> {
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
