import { getText, getTextSerializersFromSchema, type JSONContent } from '@tiptap/core';
import { Node as ProseMirrorNode } from '@tiptap/pm/model';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { DOCUMENT_FRAGMENT } from '../rooms/documentTitle.js';

/** The formats a document can be read in. */
export const EXPORT_FORMATS = ['json', 'html', 'markdown', 'text', 'yjs'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A document written out in one format, with the media type it is served as. */
export interface ExportedContent {
  body: string | Uint8Array;
  contentType: string;
}

export interface ContentExporter {
  /** The document as TipTap JSON, as the editor's Collaboration extension lays it out. */
  toJSON(doc: Y.Doc): JSONContent;
  /**
   * The document in `format`: TipTap JSON, an HTML fragment, Markdown, plain text (blocks separated by a
   * blank line) or the whole Yjs state as one update (`Y.encodeStateAsUpdate`), which loses nothing.
   * The document is read before the promise is returned, so a caller may let it go at once.
   */
  export(doc: Y.Doc, format: ExportFormat): Promise<ExportedContent>;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  text: 'text/plain; charset=utf-8',
  yjs: 'application/octet-stream',
};

/**
 * Reads a document out of its Y.Doc in the formats the API and the CLI offer.
 * Building one parses the schema and the Markdown grammar, so create one and keep it.
 *
 * @example
 * const exporter = createContentExporter();
 * exporter.export(room.doc, 'markdown').body; // '# Notes\n\n- [ ] agenda\n'
 */
export function createContentExporter(): ContentExporter {
  const codec = createContentCodec();
  const textSerializers = getTextSerializersFromSchema(codec.schema);

  function toJSON(doc: Y.Doc): JSONContent {
    const json = yXmlFragmentToProsemirrorJSON(doc.getXmlFragment(DOCUMENT_FRAGMENT)) as JSONContent;
    // A document nobody has typed in yet has no blocks; the editor shows it as one empty paragraph.
    return json.content && json.content.length > 0 ? json : { type: 'doc', content: [{ type: 'paragraph' }] };
  }

  return {
    toJSON,
    async export(doc, format) {
      const contentType = CONTENT_TYPES[format];
      if (format === 'yjs') return { body: Y.encodeStateAsUpdate(doc), contentType };
      const json = toJSON(doc);
      switch (format) {
        case 'json':
          return { body: `${JSON.stringify(json)}\n`, contentType };
        case 'html': {
          // Loaded on first use: its DOM (happy-dom) takes about a second to load, which every CLI command would pay.
          const { generateHTML } = await import('@tiptap/html/server');
          return { body: generateHTML(json, codec.extensions), contentType };
        }
        case 'markdown':
          return { body: codec.toMarkdown(json), contentType };
        case 'text': {
          // Nested blocks (list items, table cells) each add a separator; one blank line between them is enough.
          const text = getText(ProseMirrorNode.fromJSON(codec.schema, json), { blockSeparator: '\n\n', textSerializers })
            .replace(/\n{3,}/g, '\n\n')
            .trim();
          return { body: text.length > 0 ? `${text}\n` : '', contentType };
        }
      }
    },
  };
}
