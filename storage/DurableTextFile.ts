import { open, readFile, rename, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';

/**
 * A lowdb adapter that writes a text file atomically *and durably*: the new
 * content goes to a temporary file, which is fsynced, renamed over the target,
 * and then the directory is fsynced so the rename itself survives a power
 * loss. lowdb's own TextFile (steno) renames without fsync, which can leave an
 * empty file after a crash on common file systems.
 *
 * Writes to one file run one at a time in call order.
 */
export class DurableTextFile implements Adapter<string> {
  readonly filename: string;
  #queue: Promise<void> = Promise.resolve();

  constructor(filename: string) {
    this.filename = filename;
  }

  async read(): Promise<string | null> {
    try {
      return await readFile(this.filename, 'utf8');
    } catch (error) {
      if (isErrnoException(error) && error.code === 'ENOENT') return null;
      throw error;
    }
  }

  write(data: string): Promise<void> {
    const run = this.#queue.then(() => this.#writeNow(data));
    // The queue must keep going after a failed write; the caller still sees the failure through `run`.
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #writeNow(data: string): Promise<void> {
    // Unique per write, so two writers of one file can never share a temporary file.
    const temporary = join(dirname(this.filename), `.${basename(this.filename)}.${randomUUID()}.tmp`);
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(temporary, this.filename);
    await syncDirectory(dirname(this.filename));
  }
}

/** fsyncs a directory so that renames and unlinks in it are durable. */
export async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
