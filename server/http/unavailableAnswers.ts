/** The answers for requests the server cannot serve right now: shutting down, or a store that fails. */
import type { Context } from 'hono';
import type { StorageError } from '../../storage/DocumentStore.js';
import type { AppEnv, ErrorBody } from './AppEnv.js';

/** The answer to a change that arrives while the server shuts down: try again once it is back. */
export function shuttingDown(c: Context<AppEnv>): Response {
  c.header('Retry-After', '5');
  return c.json<ErrorBody>({ error: { code: 'shutting-down', message: 'the server is shutting down; try again shortly' } }, 503);
}

/** The answer when the document store refuses a read or write (disk full, unwritable): try again later. */
export function storageUnavailable(c: Context<AppEnv>, message = 'the document store cannot be read or written right now; try again shortly'): Response {
  c.header('Retry-After', '5');
  return c.json<ErrorBody>({ error: { code: 'storage-unavailable', message } }, 503);
}

/**
 * The answer to a request the document store failed. Only a passing failure says "retry"; the
 * store's own message, which names server paths, stays in the server log.
 */
export function storageFailure(c: Context<AppEnv>, error: StorageError): Response {
  switch (error.code) {
    case 'corrupt':
      return c.json<ErrorBody>({ error: { code: 'document-damaged', message: 'the stored document is damaged; the server operator can recover it (tandem check)' } }, 500);
    case 'closed':
      return shuttingDown(c);
    case 'deleted':
      return c.json<ErrorBody>({ error: { code: 'not-found', message: 'this document was deleted meanwhile' } }, 404);
    case 'invalid-name':
      return c.json<ErrorBody>({ error: { code: 'bad-document-name', message: 'this document name cannot be stored' } }, 400);
    case 'io':
    case 'locked':
    // Only snapshots are fenced, and no request writes one with a lease: a retry finds the new holder's state.
    case 'fenced':
      return storageUnavailable(c);
  }
}
