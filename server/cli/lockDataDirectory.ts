import { StorageError } from '../../storage/DocumentStore.js';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';

/**
 * Opens a data directory for a command that writes to it, holding its lock. Resolves `null`, having
 * told the user on stderr, when a server holds the directory: `whenServerRuns` says what to do
 * instead (the lock's own message is added in parentheses).
 *
 * @example
 * const store = await lockDataDirectory('restore', dataDir, 'stop it before restoring into it.');
 * if (store === null) return 1;
 */
export async function lockDataDirectory(command: string, dataDir: string, whenServerRuns: string): Promise<JsonDocumentStore | null> {
  try {
    return await JsonDocumentStore.open({
      dataDir,
      onLockCompromised: (error) => process.stderr.write(`tandem ${command}: lost the lock on ${dataDir}: ${error.message}\n`),
    });
  } catch (error) {
    if (!(error instanceof StorageError && error.code === 'locked')) throw error;
    process.stderr.write(`tandem ${command}: a Tandem server is running on ${dataDir}${whenServerRuns}\n(${error.message})\n`);
    return null;
  }
}
