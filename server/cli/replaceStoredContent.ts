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
 * Log records that are not Yjs updates are skipped, as the server skips them when loading.
 * Returns `null` when the document's snapshot cannot be read: it has no history worth keeping.
 *
 * @example
 * const replaced = replaceStoredContent(await store.load('notes'), codec.fromMarkdown('# New\n'));
 */
export function replaceStoredContent(existing: StoredDocument, content: JSONContent): { state: Uint8Array; title: string | null } | null {
  const doc = new Y.Doc({ gc: true });
  try {
    try {
      if (existing.snapshot) Y.applyUpdate(doc, existing.snapshot);
    } catch {
      return null;
    }
    for (const update of existing.updates) {
      try {
        Y.decodeUpdate(update);
        Y.applyUpdate(doc, update);
      } catch {
        // Skipped, as the server skips it on load (and `tandem check` reports it).
      }
    }
    createContentEditor().replace(doc, content);
    return { state: Y.encodeStateAsUpdate(doc), title: documentTitle(doc) };
  } finally {
    doc.destroy();
  }
}
