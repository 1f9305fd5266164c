import { deleteDB } from 'lib0/indexeddb';
import { localCopyName } from '../editor/localCopyName.js';

/**
 * Deletes the copy of a document this browser keeps for offline use, so a
 * deleted document does not come back from it. The app's pages connect to
 * the server they were loaded from, so `host` is the page's.
 */
export async function deleteLocalCopy(documentName: string, host: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await deleteDB(localCopyName(host, documentName));
}
