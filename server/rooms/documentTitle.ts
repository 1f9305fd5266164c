import * as Y from 'yjs';
import { TITLE_MAX_LENGTH } from '../../storage/DocumentStore.js';

/** The Y.XmlFragment the TipTap Collaboration extension binds to (its `field` option's default). */
export const DOCUMENT_FRAGMENT = 'default';

/**
 * The document's title: the text of its first heading, whitespace collapsed,
 * at most `TITLE_MAX_LENGTH` characters; `null` when it has no non-empty heading.
 */
export function documentTitle(doc: Y.Doc): string | null {
  for (const block of doc.getXmlFragment(DOCUMENT_FRAGMENT).toArray()) {
    if (!(block instanceof Y.XmlElement) || block.nodeName !== 'heading') continue;
    const title = textOf(block).replace(/\s+/g, ' ').trim();
    if (title.length > 0) return title.slice(0, TITLE_MAX_LENGTH);
  }
  return null;
}

function textOf(node: Y.XmlElement | Y.XmlText | Y.XmlHook): string {
  if (node instanceof Y.XmlText) return node.toDelta().map((op: { insert?: unknown }) => (typeof op.insert === 'string' ? op.insert : '')).join('');
  if (node instanceof Y.XmlElement) return node.toArray().map(textOf).join('');
  return '';
}
