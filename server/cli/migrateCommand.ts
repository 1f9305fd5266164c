import { stat } from 'node:fs/promises';
import * as Y from 'yjs';
import { isErrnoException } from '../../storage/isErrnoException.js';
import { isPostgresUrl, PostgresDocumentStore } from '../../storage/PostgresDocumentStore.js';
import { documentTitle } from '../rooms/documentTitle.js';
import { formatDocumentCheck } from './checkCommand.js';
import { createDocumentReader } from './createDocumentReader.js';
import { parseCommandLine } from './parseCommandLine.js';
import { DATA_DIR_OPTIONS_USAGE, resolveDataDir } from './resolveDataDir.js';
import { lockDataDirectory } from './lockDataDirectory.js';
import { UsageError } from './UsageError.js';

export const MIGRATE_USAGE = `Usage: tandem migrate --store postgres://USER:PASSWORD@HOST:PORT/DATABASE [options]

Copies every document of a JSON data directory into PostgreSQL, each as one snapshot with its title.
It takes the data directory's lock, so stop the server on it first. A document that is already in
PostgreSQL is merged with, never overwritten: edits made there are kept, and running the migration
again changes nothing. Damaged documents are reported and skipped (exit code 1); the others are
still copied. The data directory is left as it was.

Options:
  --store URL         the PostgreSQL database to copy into (default STORE)
${DATA_DIR_OPTIONS_USAGE}
  --help              print this help`;

/** `tandem migrate`: returns the exit code (2 bad arguments, 1 failure or a damaged document). */
export async function runMigrateCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  const line = parseCommandLine('migrate', MIGRATE_USAGE, argv, {
    options: { store: { type: 'string' }, 'data-dir': { type: 'string' }, config: { type: 'string' } },
    positionals: { min: 0, max: 0, names: '' },
  });
  if (line === null) {
    process.stdout.write(`${MIGRATE_USAGE}\n`);
    return 0;
  }
  const url = line.values.store ?? env.STORE;
  // Never echo the URL: it may hold a password.
  if (url === undefined || url === '') throw new UsageError('migrate', ['name the PostgreSQL database to copy into with --store postgres://… (or STORE)'], MIGRATE_USAGE);
  if (!isPostgresUrl(url)) throw new UsageError('migrate', ['--store must be a postgres:// or postgresql:// URL'], MIGRATE_USAGE);
  const dataDir = await resolveDataDir('migrate', MIGRATE_USAGE, env, line.values);
  const missing = await missingDirectoryProblem(dataDir);
  if (missing !== null) {
    process.stderr.write(`tandem migrate: ${missing}\n`);
    return 1;
  }

  // Held for the whole copy: a server starting meanwhile would change documents already copied.
  const lockHolder = await lockDataDirectory('migrate', dataDir, '; stop it, then migrate');
  if (lockHolder === null) return 1;
  try {
    const target = await PostgresDocumentStore.open({ url });
    try {
      return await migrateDocuments(dataDir, target);
    } finally {
      await target.close();
    }
  } finally {
    await lockHolder.close();
  }
}

async function migrateDocuments(dataDir: string, target: PostgresDocumentStore): Promise<number> {
  const startedAt = performance.now();
  const reader = createDocumentReader(dataDir);
  const names = await reader.listDocumentNames();
  let copied = 0;
  let damaged = 0;
  for (const name of names) {
    const result = await reader.read(name);
    if (result.kind === 'missing') continue;
    if (result.kind === 'damaged') {
      damaged++;
      process.stdout.write(`${formatDocumentCheck({ name, status: 'damaged', warnings: [], problem: result.problem })}\n`);
      continue;
    }
    try {
      const existing = await target.load(name);
      const mergeProblem = existing === null ? null : mergeInto(result.doc, existing.snapshot, existing.updates);
      if (mergeProblem !== null) {
        damaged++;
        process.stdout.write(`${formatDocumentCheck({ name, status: 'damaged', warnings: [], problem: `the copy already in PostgreSQL ${mergeProblem}` })}\n`);
        continue;
      }
      const state = Y.encodeStateAsUpdate(result.doc);
      const title = documentTitle(result.doc);
      // No fencing token: the store folds in whatever a server writes to this document meanwhile.
      await target.writeSnapshot(name, state, title === null ? {} : { title });
      copied++;
      const merged = existing === null ? '' : ', merged with the copy already in PostgreSQL';
      process.stdout.write(`${formatDocumentCheck({ name, status: result.warnings.length > 0 ? 'warnings' : 'ok', warnings: result.warnings })} (${state.byteLength} bytes${merged})\n`);
    } finally {
      result.doc.destroy();
    }
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stdout.write(
    `migrated ${copied} of ${names.length} document${names.length === 1 ? '' : 's'} from ${dataDir} to PostgreSQL at ${target.describe()} in ${seconds} s${damaged > 0 ? `; ${damaged} damaged, skipped` : ''}\n`,
  );
  return damaged > 0 ? 1 : 0;
}

/**
 * Applies what PostgreSQL already holds for the document to `doc`, so the snapshot written keeps it.
 * Log records that are not Yjs updates are skipped, as the server skips them when loading. Returns
 * what is wrong when the stored snapshot cannot be read, else `null`.
 */
function mergeInto(doc: Y.Doc, snapshot: Uint8Array | null, updates: Uint8Array[]): string | null {
  if (snapshot !== null) {
    try {
      Y.applyUpdate(doc, snapshot);
    } catch (error) {
      return `has a snapshot that is not a Yjs document state (${error instanceof Error ? error.message : String(error)})`;
    }
  }
  for (const update of updates) {
    try {
      Y.decodeUpdate(update);
      Y.applyUpdate(doc, update);
    } catch {
      // Skipped, as the server skips it on load.
    }
  }
  return null;
}

/** Why `dataDir` cannot be migrated from (it does not exist), or `null`. Opening the JSON store would create it. */
async function missingDirectoryProblem(dataDir: string): Promise<string | null> {
  try {
    if ((await stat(dataDir)).isDirectory()) return null;
    return `${dataDir} is not a directory`;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return `there is no data directory at ${dataDir}`;
    throw error;
  }
}
