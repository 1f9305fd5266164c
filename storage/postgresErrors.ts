import { DatabaseError } from 'pg';
import { StorageError } from './DocumentStore.js';

/** Socket errors that mean the server cannot be reached (down, restarting, wrong host). */
const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

/**
 * SQLSTATEs that mean PostgreSQL cannot serve us right now rather than that a statement is wrong:
 * connection exceptions (08), insufficient resources (53, disk full), shutting down or starting up
 * (57P01–57P03), a read-only server (25006, a standby) and system errors (58).
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('53') || code.startsWith('58') || ['57P01', '57P02', '57P03', '25006'].includes(code);
}

/**
 * Whether `error` says PostgreSQL is unreachable or cannot write now. Errors of `pg` itself that carry
 * no SQLSTATE ("Connection terminated unexpectedly", connection timeouts) are all about the connection.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseError) return error.code !== undefined && isUnavailableSqlState(error.code);
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return code === undefined || UNREACHABLE_ERRNOS.has(code);
}

/**
 * Wraps an error from `pg` as `StorageError('io')` naming the server (`host:port/database`, never the
 * URL: it may hold a password) and what was being done; a StorageError passes through.
 *
 * @example
 * throw postgresError('127.0.0.1:5432/tandem', 'load "notes"', error);
 * // StorageError('io', 'PostgreSQL at 127.0.0.1:5432/tandem is unavailable: could not load "notes": connect ECONNREFUSED …')
 */
export function postgresError(server: string, action: string, error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const state = isPostgresUnavailable(error) ? 'is unavailable' : 'refused';
  // A refused connection to every address of a name is an AggregateError with an empty message.
  const message = error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
  const sqlState = error instanceof DatabaseError && error.code ? ` (SQLSTATE ${error.code})` : '';
  return new StorageError('io', `PostgreSQL at ${server} ${state}: could not ${action}: ${message}${sqlState}`, { cause: error });
}
