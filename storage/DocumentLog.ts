import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory } from './DurableTextFile.js';
import { ioError } from './ioError.js';
import { decodeLogRecords, encodeLogRecords } from './logRecords.js';
import { unlinkIfPresent } from './unlinkIfPresent.js';

export interface LogContents {
  updates: Uint8Array[];
  warnings: string[];
  /** Bytes in all segments. */
  bytes: number;
  /** Modification time of the newest segment, if any. */
  updatedAt: Date | null;
}

/**
 * The append-only update log of one document, kept as numbered segment files
 * `<prefix>.<segment>.log` beside its snapshot. Appends go to the current
 * segment; `rotate()` starts a new one so that a snapshot can cover every
 * segment before it and those segments can later be deleted whole.
 *
 * Appends and rotations run one at a time, in call order. A torn record at
 * the end of a segment (a crash mid-write) is skipped with a warning; new
 * appends always start a new segment after loading, so torn bytes are never
 * followed by good ones.
 */
export class DocumentLog {
  readonly #directory: string;
  readonly #prefix: string;
  /** Segment that the next append goes to; `null` until read from disk. */
  #segment: number | null = null;
  /** Whether the current segment's file exists (its directory entry has been fsynced). */
  #segmentCreated = false;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #coveredBySnapshot: () => Promise<number>;

  /**
   * @param coveredBySnapshot the last segment the document's snapshot covers. New segments are
   *   always numbered above it: when every segment was deleted, counting from the files alone
   *   would restart at 1, and a load would skip those segments as already in the snapshot.
   */
  constructor(directory: string, prefix: string, coveredBySnapshot: () => Promise<number>) {
    this.#directory = directory;
    this.#prefix = prefix;
    this.#coveredBySnapshot = coveredBySnapshot;
  }

  /**
   * Reads every record of the segments after `afterSegment` (those a snapshot
   * does not cover), oldest first. Later appends go to a new segment.
   */
  read(afterSegment = 0): Promise<LogContents> {
    return this.#enqueue(async () => {
      const segments = await this.#segments();
      const contents: LogContents = { updates: [], warnings: [], bytes: 0, updatedAt: null };
      for (const segment of segments.filter((number) => number > afterSegment)) {
        const path = this.#path(segment);
        const bytes = await readFile(path).catch((error: unknown) => {
          throw ioError(`could not read ${path}`, error);
        });
        const { records, tornAt } = decodeLogRecords(bytes);
        contents.updates.push(...records);
        contents.bytes += bytes.byteLength;
        if (tornAt !== null) {
          contents.warnings.push(`${path}: skipped ${bytes.byteLength - tornAt} bytes of a torn or damaged record at offset ${tornAt} (a crash during a write); ${records.length} complete records before it were recovered`);
        }
        const modified = (await stat(path)).mtime;
        if (!contents.updatedAt || modified > contents.updatedAt) contents.updatedAt = modified;
      }
      this.#segment = Math.max(segments.at(-1) ?? 0, afterSegment) + 1;
      this.#segmentCreated = false;
      return contents;
    });
  }

  /** Appends records in one write and fsyncs them (group commit: the caller batches). */
  append(updates: readonly Uint8Array[]): Promise<void> {
    return this.#enqueue(async () => {
      const segment = await this.#currentSegment();
      const path = this.#path(segment);
      let handle;
      try {
        handle = await open(path, 'a', 0o600);
      } catch (error) {
        throw ioError(`could not open ${path}`, error);
      }
      try {
        // writeFile loops until every byte is written (a single write() may write part of the
        // buffer without an error, for example when the disk fills up).
        await handle.writeFile(encodeLogRecords(updates));
        await handle.datasync();
      } catch (error) {
        // Part of the batch may be in the file: later records must not follow it, or they would
        // be read as part of a torn tail. The retry goes to a fresh segment.
        this.#segment = segment + 1;
        this.#segmentCreated = false;
        throw ioError(`could not append to ${path}`, error);
      } finally {
        await handle.close();
      }
      if (!this.#segmentCreated) {
        // The new file's directory entry must be durable too, or the fsynced data is unreachable after a crash.
        await syncDirectory(this.#directory);
        this.#segmentCreated = true;
      }
    });
  }

  /** Starts a new segment for later appends; resolves with the last segment number that the caller's snapshot covers. */
  rotate(): Promise<number> {
    return this.#enqueue(async () => {
      const covered = await this.#currentSegment();
      this.#segment = covered + 1;
      this.#segmentCreated = false;
      return covered;
    });
  }

  /** Deletes segments numbered `upTo` and below (a durable snapshot covers them); resolves with how many were deleted. */
  async deleteThrough(upTo: number): Promise<number> {
    const doomed = (await this.#segments()).filter((segment) => segment <= upTo);
    if (doomed.length === 0) return 0;
    for (const segment of doomed) await unlinkIfPresent(this.#path(segment));
    await syncDirectory(this.#directory);
    return doomed.length;
  }

  /** Deletes every segment (the document is being deleted); resolves with how many there were. */
  deleteAll(): Promise<number> {
    return this.#enqueue(() => this.deleteThrough(Number.MAX_SAFE_INTEGER));
  }

  async #currentSegment(): Promise<number> {
    if (this.#segment === null) {
      this.#segment = Math.max((await this.#segments()).at(-1) ?? 0, await this.#coveredBySnapshot()) + 1;
      this.#segmentCreated = false;
    }
    return this.#segment;
  }

  /** Segment numbers present on disk, ascending. */
  async #segments(): Promise<number[]> {
    let names: string[];
    try {
      names = await readdir(this.#directory);
    } catch (error) {
      throw ioError(`could not list ${this.#directory}`, error);
    }
    const start = `${this.#prefix}.`;
    return names
      .filter((name) => name.startsWith(start) && name.endsWith('.log'))
      .map((name) => name.slice(start.length, -'.log'.length))
      .filter((middle) => /^\d{6,}$/.test(middle))
      .map(Number)
      .sort((a, b) => a - b);
  }

  #path(segment: number): string {
    return join(this.#directory, `${this.#prefix}.${String(segment).padStart(6, '0')}.log`);
  }

  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** True when `fileName` is a log segment (`<prefix>.<digits>.log`); returns its prefix or `null`. */
export function logSegmentPrefix(fileName: string): string | null {
  const match = /^(.+)\.\d{6,}\.log$/.exec(fileName);
  return match?.[1] ?? null;
}


