import type { JSONContent } from '@tiptap/core';
import { generateJSON } from '@tiptap/html/server';
import { prosemirrorJSONToYDoc } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { DOCUMENT_FRAGMENT } from '../rooms/documentTitle.js';

/** Content for a new document, in one of the formats the API accepts. */
export type ImportedContent =
  | { format: 'markdown'; value: string }
  | { format: 'html'; value: string }
  | { format: 'json'; value: unknown };

export interface ContentImporter {
  /**
   * Turns content into TipTap JSON that fits the document schema (checked).
   * Throws `RangeError` when the content does not fit it.
   */
  toDocument(content: ImportedContent): JSONContent;
  /**
   * Turns content into the Yjs update that holds it, laid out as the editor's
   * Collaboration extension expects. Throws `RangeError` when the content
   * does not fit the document schema.
   */
  toUpdate(content: ImportedContent): Uint8Array;
}

/**
 * Converts imported Markdown, HTML or TipTap JSON into a document, on the
 * server: a new document's first content is applied once, here, rather than
 * by each editor that opens it (which would insert it once per editor).
 * HTML is parsed in a script-free DOM and only what the schema knows survives.
 */
export function createContentImporter(): ContentImporter {
  const codec = createContentCodec();
  function toDocument(content: ImportedContent): JSONContent {
    return content.format === 'markdown'
      ? codec.fromMarkdown(content.value)
      : content.format === 'html'
        ? codec.checkDocument(generateJSON(content.value, codec.extensions))
        : codec.checkDocument(content.value);
  }
  return {
    toDocument,
    toUpdate(content) {
      const doc = prosemirrorJSONToYDoc(codec.schema, toDocument(content), DOCUMENT_FRAGMENT);
      try {
        return Y.encodeStateAsUpdate(doc);
      } finally {
        doc.destroy();
      }
    },
  };
}
