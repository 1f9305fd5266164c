import type { JSONContent } from '@tiptap/core';
import * as Y from 'yjs';
import { StorageError } from '../../storage/DocumentStore.js';
import { isSameOrInside } from './backupCommand.js';
import { formatDocumentCheck } from './checkCommand.js';
import { createDocumentReader } from './createDocumentReader.js';
import { parseCommandLine } from './parseCommandLine.js';
import { loadReplaceTarget, planReplacement } from './replaceStoredContent.js';
import { DATA_DIR_OPTIONS_USAGE, resolveDataDir } from './resolveDataDir.js';
import { lockDataDirectory } from './lockDataDirectory.js';
import { UsageError } from './UsageError.js';

export const RESTORE_USAGE = `Usage: tandem restore BACKUP [options]

Copies the documents of BACKUP (a directory written by tandem backup, or any stopped data directory)
into the data directory. The backup is verified first: if any document in it is damaged, nothing is
restored. No server may be running on the data directory (stop it first; the restore takes its lock).

Options:
${DATA_DIR_OPTIONS_USAGE}
  --force             restore into a data directory that already has documents: each document in
                      the backup replaces the one of the same name; documents not in the backup are kept
  --help              print this help`;

/** `tandem restore`: returns the exit code (2 bad arguments, 1 failure). */
export async function runRestoreCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  const line = parseCommandLine('restore', RESTORE_USAGE, argv, {
    options: { 'data-dir': { type: 'string' }, config: { type: 'string' }, force: { type: 'boolean' } },
    positionals: { min: 1, max: 1, names: 'the BACKUP directory' },
  });
  if (line === null) {
    process.stdout.write(`${RESTORE_USAGE}\n`);
    return 0;
  }
  const backup = line.positionals[0]!;
  const dataDir = await resolveDataDir('restore', RESTORE_USAGE, env, line.values);
  if (isSameOrInside(backup, dataDir) || isSameOrInside(dataDir, backup)) {
    throw new UsageError('restore', [`BACKUP ${backup} and the data directory ${dataDir} overlap: restore into another directory`], RESTORE_USAGE);
  }

  // Verify everything before touching the data directory: a restore is all or nothing up front.
  const reader = createDocumentReader(backup);
  const states: { name: string; state: Uint8Array; content: JSONContent; title: string | null }[] = [];
  let damaged = 0;
  try {
    for (const name of await reader.listDocumentNames()) {
      const result = await reader.read(name);
      if (result.kind === 'missing') continue;
      if (result.kind === 'damaged') {
        damaged++;
        process.stdout.write(`${formatDocumentCheck({ name, status: 'damaged', warnings: [], problem: result.problem })}\n`);
        continue;
      }
      for (const warning of result.warnings) process.stdout.write(`${formatDocumentCheck({ name, status: 'warnings', warnings: [warning] })}\n`);
      states.push({ name, state: Y.encodeStateAsUpdate(result.doc), content: reader.exporter.toJSON(result.doc), title: result.title });
      result.doc.destroy();
    }
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
    process.stderr.write(`tandem restore: cannot read the backup: ${error.message}\n`);
    return 1;
  }
  if (damaged > 0) {
    process.stderr.write(`tandem restore: ${damaged} document${damaged === 1 ? ' is' : 's are'} damaged in ${backup}; nothing was restored\n`);
    return 1;
  }

  const store = await lockDataDirectory('restore', dataDir, ': stop it before restoring into it.');
  if (store === null) return 1;
  try {
    const existing = new Set((await store.list()).map((info) => info.documentName));
    if (existing.size > 0 && !line.values.force) {
      process.stderr.write(
        `tandem restore: ${dataDir} already has ${existing.size} document${existing.size === 1 ? '' : 's'}; nothing was restored.\n` +
          'Add --force to restore anyway: documents in the backup replace those of the same name, the others are kept.\n',
      );
      return 1;
    }
    // Every new state is worked out before the first write, so nothing can fail halfway through.
    const writes = [];
    for (const restored of states) {
      const replacing = existing.has(restored.name);
      // A document of the same name gets the backup's content as an edit on its own history (see
      // replaceStoredContent); a damaged one has no history worth keeping and is replaced outright.
      const target = replacing ? await loadReplaceTarget(store, restored.name) : ({ kind: 'missing' } as const);
      writes.push({ name: restored.name, replacing, ...planReplacement(target, restored) });
    }
    for (const { name, state, title, replacing, deleteFirst } of writes) {
      if (deleteFirst) await store.delete(name);
      // One atomic snapshot per document: a crash leaves its old state or the new one.
      await store.writeSnapshot(name, state, title === null ? {} : { title });
      process.stdout.write(`${(replacing ? 'replaced' : 'restored').padEnd(8)} ${name} (${state.byteLength} bytes)\n`);
    }
    process.stdout.write(`restored ${states.length} document${states.length === 1 ? '' : 's'} from ${backup} into ${dataDir}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
