import { open, readFile, rename, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Adapter } from 'lowdb';
import { isErrnoException } from './isErrnoException.js';

/**
 * A lowdb adapter that writes a text file atomically *and durably*: the new
 * content goes to a temporary file, which is fsynced, renamed over the target,
 * and then the directory is fsynced so the rename itself survives a power
 * loss. lowdb's own TextFile (steno) renames without fsync, which can leave an
 * empty file after a crash on common file systems.
 *
 * Each write uses its own temporary file, so concurrent writes never mix;
 * the last rename wins. Callers that care about order serialize their writes.
 */
export class DurableTextFile implements Adapter<string> {
  readonly filename: string;

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

  async write(data: string): Promise<void> {
    const temporary = join(dirname(this.filename), `.${basename(this.filename)}.${randomUUID()}.tmp`);
    try {
      const handle = await open(temporary, 'wx', 0o600);
      try {
        await handle.writeFile(data, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, this.filename);
    } catch (error) {
      await removeTemporary(temporary, error);
      throw error;
    }
    await syncDirectory(dirname(this.filename));
  }
}

/** Removes a failed write's temporary file; if that fails too, both errors are reported. */
async function removeTemporary(temporary: string, writeError: unknown): Promise<void> {
  try {
    await unlink(temporary);
  } catch (cleanupError) {
    if (isErrnoException(cleanupError) && cleanupError.code === 'ENOENT') return;
    throw new AggregateError([writeError, cleanupError], `write failed and its temporary file ${temporary} could not be removed`);
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
