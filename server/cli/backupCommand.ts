import { readdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import * as Y from 'yjs';
import { isErrnoException } from '../../storage/isErrnoException.js';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';
import { formatDocumentCheck } from './checkCommand.js';
import { createDocumentReader } from './createDocumentReader.js';
import { parseCommandLine } from './parseCommandLine.js';
import { DATA_DIR_OPTIONS_USAGE, resolveDataDir } from './resolveDataDir.js';
import { UsageError } from './UsageError.js';

export const BACKUP_USAGE = `Usage: tandem backup DEST [options]

Copies every document of the data directory into DEST, a new data directory, while the server keeps
running: each document is read without the lock, in an order that stays consistent while the server
writes and compacts it, and is written to DEST as one snapshot. DEST must not exist or be empty.
Damaged documents are reported and skipped (exit code 1); the others are still copied.
Restore with: tandem restore DEST --data-dir DIR

Options:
${DATA_DIR_OPTIONS_USAGE}
  --help              print this help`;

/** `tandem backup`: returns the exit code (2 bad arguments, 1 failure or a damaged document). */
export async function runBackupCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  const line = parseCommandLine('backup', BACKUP_USAGE, argv, {
    options: { 'data-dir': { type: 'string' }, config: { type: 'string' } },
    positionals: { min: 1, max: 1, names: 'the backup directory DEST' },
  });
  if (line === null) {
    process.stdout.write(`${BACKUP_USAGE}\n`);
    return 0;
  }
  const destination = line.positionals[0]!;
  const dataDir = await resolveDataDir('backup', BACKUP_USAGE, env, line.values);
  if (isSameOrInside(destination, dataDir)) throw new UsageError('backup', [`DEST ${destination} is inside the data directory ${dataDir}: choose a place outside it`], BACKUP_USAGE);
  const destinationProblem = await nonEmptyDirectoryProblem(destination);
  if (destinationProblem !== null) {
    process.stderr.write(`tandem backup: ${destinationProblem}\n`);
    return 1;
  }
  const startedAt = performance.now();
  const reader = createDocumentReader(dataDir);
  let names: string[];
  try {
    names = await reader.listDocumentNames();
  } catch (error) {
    process.stderr.write(`tandem backup: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const store = await JsonDocumentStore.open({
    dataDir: destination,
    onLockCompromised: (error) => process.stderr.write(`tandem backup: lost the lock on ${destination}: ${error.message}\n`),
  });
  let copied = 0;
  let damaged = 0;
  try {
    for (const name of names) {
      const result = await reader.read(name);
      if (result.kind === 'missing') {
        process.stdout.write(`${'gone'.padEnd(8)} ${name} (deleted during the backup)\n`);
        continue;
      }
      if (result.kind === 'damaged') {
        damaged++;
        process.stdout.write(`${formatDocumentCheck({ name, status: 'damaged', warnings: [], problem: result.problem })}\n`);
        continue;
      }
      try {
        const state = Y.encodeStateAsUpdate(result.doc);
        await store.writeSnapshot(name, state, result.title === null ? {} : { title: result.title });
        copied++;
        process.stdout.write(`${formatDocumentCheck({ name, status: result.warnings.length > 0 ? 'warnings' : 'ok', warnings: result.warnings })} (${state.byteLength} bytes)\n`);
      } finally {
        result.doc.destroy();
      }
    }
  } finally {
    await store.close();
  }
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(2);
  process.stdout.write(`backed up ${copied} of ${names.length} document${names.length === 1 ? '' : 's'} from ${dataDir} to ${destination} in ${seconds} s${damaged > 0 ? `; ${damaged} damaged, skipped` : ''}\n`);
  return damaged > 0 ? 1 : 0;
}

/** Why `directory` cannot take a backup (it exists and holds something), or `null` when it can. */
export async function nonEmptyDirectoryProblem(directory: string): Promise<string | null> {
  try {
    const entries = await readdir(directory);
    return entries.length === 0 ? null : `${directory} is not empty: back up into a new or empty directory`;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    if (isErrnoException(error) && error.code === 'ENOTDIR') return `${directory} is a file, not a directory`;
    throw error;
  }
}

/** True when `path` is `directory` or lies inside it. */
export function isSameOrInside(path: string, directory: string): boolean {
  const between = relative(resolve(directory), resolve(path));
  return between === '' || (!between.startsWith('..') && !isAbsolute(between));
}
