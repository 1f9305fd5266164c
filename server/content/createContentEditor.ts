import type { JSONContent } from '@tiptap/core';
import { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { updateYFragment, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import type * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { DOCUMENT_FRAGMENT } from '../rooms/documentTitle.js';

/** Changes to a document's content, made inside a Yjs transaction the caller owns (see `Room.change`). */
export interface ContentEditor {
  /**
   * Makes the document's content `document` (checked TipTap JSON), changing only what differs:
   * blocks equal to the new content's are kept as they are (with the carets in them), changed text
   * is edited in place, and only the rest is deleted or inserted.
   */
  replace(doc: Y.Doc, document: JSONContent): void;
  /**
   * Adds the blocks of `document` after the document's content. A document that holds nothing but
   * one empty paragraph (what a new, blank document has) gets the blocks in its place; appending
   * such a blank document changes nothing.
   */
  append(doc: Y.Doc, document: JSONContent): void;
}

/**
 * Writes content into a Y.Doc the way the editor's Collaboration extension would, as a minimal
 * diff (y-tiptap's `updateYFragment`), so editors connected to it keep their places.
 * Building one parses the schema, so create one and keep it.
 *
 * @example
 * const editor = createContentEditor();
 * room.change((doc) => editor.append(doc, codec.fromMarkdown('- [ ] follow up\n')));
 */
export function createContentEditor(): ContentEditor {
  const { schema } = createContentCodec();

  function replace(doc: Y.Doc, document: JSONContent): void {
    const node = ProseMirrorNode.fromJSON(schema, document);
    updateYFragment(doc, doc.getXmlFragment(DOCUMENT_FRAGMENT), node, { mapping: new Map(), isOMark: new Map() });
  }

  return {
    replace,
    append(doc, document) {
      if (isBlank(document.content ?? [])) return;
      const existing = (yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOCUMENT_FRAGMENT)) as JSONContent).content ?? [];
      replace(doc, { type: 'doc', content: [...(isBlank(existing) ? [] : existing), ...(document.content ?? [])] });
    },
  };
}

/** No blocks, or one empty paragraph: how an empty document looks. */
function isBlank(blocks: JSONContent[]): boolean {
  return blocks.length === 0 || (blocks.length === 1 && blocks[0]?.type === 'paragraph' && (blocks[0].content ?? []).length === 0);
}
