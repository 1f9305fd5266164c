import type { JSONContent } from '@tiptap/core';
import * as Y from 'yjs';
import { StorageError, type DocumentStore, type StoredDocument } from '../../storage/DocumentStore.js';
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

/** A document of the name being written to: absent, readable (its history is kept), or damaged. */
export type ReplaceTarget = { kind: 'missing' } | { kind: 'stored'; stored: StoredDocument } | { kind: 'damaged'; problem: string };

/** Reads what a replacement would replace; damaged files are a result, not an exception. */
export async function loadReplaceTarget(store: DocumentStore, documentName: string): Promise<ReplaceTarget> {
  try {
    const stored = await store.load(documentName);
    return stored === null ? { kind: 'missing' } : { kind: 'stored', stored };
  } catch (error) {
    if (error instanceof StorageError && error.code === 'corrupt') return { kind: 'damaged', problem: error.message };
    throw error;
  }
}

/** How to write `replacement` over `target`: the state and title to write, and whether damaged files must go first. */
export interface ReplacementPlan {
  state: Uint8Array;
  title: string | null;
  /** The target's files are damaged: remove them, then write (a damaged snapshot is never overwritten). */
  deleteFirst: boolean;
  /** Why the target was damaged, when it was. */
  damaged: string | null;
}

/**
 * The replacement written as an edit on the target's history when it has one (see
 * `replaceStoredContent`), else as it is.
 */
export function planReplacement(target: ReplaceTarget, replacement: { state: Uint8Array; content: JSONContent; title: string | null }): ReplacementPlan {
  if (target.kind === 'missing') return { state: replacement.state, title: replacement.title, deleteFirst: false, damaged: null };
  const replaced = target.kind === 'stored' ? replaceStoredContent(target.stored, replacement.content) : null;
  if (replaced) return { ...replaced, deleteFirst: false, damaged: null };
  const damaged = target.kind === 'damaged' ? target.problem : 'its snapshot is not a Yjs document state';
  return { state: replacement.state, title: replacement.title, deleteFirst: true, damaged };
}
