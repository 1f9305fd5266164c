import * as Y from 'yjs';

/** State vector and delete set: equal for two documents exactly when they hold the same changes. */
export function documentFingerprint(doc: Y.Doc): string {
  return Buffer.from(Y.encodeSnapshot(Y.snapshot(doc))).toString('base64');
}

/** Whether every document holds the same changes (an empty list converges trivially). */
export function allConverged(docs: readonly Y.Doc[]): boolean {
  const fingerprints = new Set(docs.map(documentFingerprint));
  return fingerprints.size <= 1;
}
