import { deleteDB } from 'lib0/indexeddb';

/**
 * Deletes the copy of a document this browser keeps for offline use, so a
 * deleted document does not come back from it. The name must match the one
 * the editor uses (`createCollabEditor`: `tandem:<host of the server URL>:<name>`);
 * the app's pages connect to the server they were loaded from.
 */
export async function deleteLocalCopy(documentName: string, host: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  await deleteDB(`tandem:${host}:${documentName}`);
}
