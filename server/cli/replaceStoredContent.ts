import type { JSONContent } from '@tiptap/core';
import * as Y from 'yjs';
import type { StoredDocument } from '../../storage/DocumentStore.js';
import { createContentEditor } from '../content/createContentEditor.js';
import { documentTitle } from '../rooms/documentTitle.js';

/**
 * The state of a stored document whose content is replaced by `content`, as the server's PUT does
 * it (see `createContentEditor`): as an edit on top of the document's history, not a new document.
 * A browser that still holds an offline copy of the old document then merges into the new content,
 * where a document built from scratch would get the old text back beside the new.
 *
 * @example
 * const { state, title } = replaceStoredContent(await store.load('notes'), codec.fromMarkdown('# New\n'));
 * await store.writeSnapshot('notes', state, { title });
 */
export function replaceStoredContent(existing: StoredDocument, content: JSONContent): { state: Uint8Array; title: string | null } {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, Y.mergeUpdates(existing.snapshot ? [existing.snapshot, ...existing.updates] : existing.updates));
    createContentEditor().replace(doc, content);
    return { state: Y.encodeStateAsUpdate(doc), title: documentTitle(doc) };
  } finally {
    doc.destroy();
  }
}
