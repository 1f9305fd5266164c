import type { Context } from 'hono';
import type { AppEnv, ErrorBody } from './AppEnv.js';

/** The answer to a change that arrives while the server shuts down: try again once it is back. */
export function shuttingDown(c: Context<AppEnv>): Response {
  c.header('Retry-After', '5');
  return c.json<ErrorBody>({ error: { code: 'shutting-down', message: 'the server is shutting down; try again shortly' } }, 503);
}

/** The answer when the document store refuses a read or write (disk full, unwritable, unreadable): try again later. */
export function storageUnavailable(c: Context<AppEnv>, message: string): Response {
  c.header('Retry-After', '5');
  return c.json<ErrorBody>({ error: { code: 'storage-unavailable', message } }, 503);
}
