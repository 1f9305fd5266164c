/**
 * The IndexedDB database in which the editor keeps this browser's copy of a
 * document: one per server host and document name. Anything that deletes a
 * document must delete this too, or the copy brings the text back.
 */
export function localCopyName(serverHost: string, documentName: string): string {
  return `tandem:${serverHost}:${documentName}`;
}
