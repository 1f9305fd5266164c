import { unlink } from 'node:fs/promises';
import { isErrnoException } from './isErrnoException.js';
import { ioError } from './ioError.js';

/** Removes a file; resolves `false` if it was already gone. Any other failure is a `StorageError('io')`. */
export async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return false;
    throw ioError(`could not delete ${path}`, error);
  }
}
