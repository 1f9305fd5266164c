import * as Y from 'yjs';

/** Length of one paragraph: large enough to build megabytes fast, small enough to give Yjs many items to load. */
const PARAGRAPH_CHARS = 2048;

/**
 * A document of about `bytes` bytes (encoded), written as one client would:
 * paragraphs inserted at scattered positions, so the state has thousands of
 * items rather than one long string. Returns it as one update.
 */
export function buildLargeDocumentUpdate(bytes: number): { update: Uint8Array; textLength: number } {
  const doc = new Y.Doc();
  const text = doc.getText('content');
  const paragraph = 'Tandem keeps every keystroke of every writer. '.repeat(Math.ceil(PARAGRAPH_CHARS / 46)).slice(0, PARAGRAPH_CHARS - 1);
  // A fixed pseudo-random walk: every run (and every server) gets the same document.
  let seed = 42;
  const nextPosition = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % (text.length + 1);
  };
  const paragraphs = Math.ceil(bytes / PARAGRAPH_CHARS);
  for (let index = 0; index < paragraphs; index += 1) text.insert(nextPosition(), `${paragraph}\n`);
  const update = Y.encodeStateAsUpdate(doc);
  const textLength = text.length;
  doc.destroy();
  return { update, textLength };
}
