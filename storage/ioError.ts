import { StorageError } from './DocumentStore.js';

/** Wraps an operating-system error as `StorageError('io')`, keeping the cause; a StorageError passes through. */
export function ioError(message: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  return new StorageError('io', `${message}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
}
