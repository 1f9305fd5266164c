import { flattenExtensions, getSchema, resolveExtensions, type AnyExtension, type JSONContent } from '@tiptap/core';
import { MarkdownManager } from '@tiptap/markdown';
import { Node as ProseMirrorNode, type Schema } from '@tiptap/pm/model';
import { documentExtensions } from './documentExtensions.js';
import { normalizeDocument } from './normalizeDocument.js';

/** Converts Tandem documents between TipTap JSON and Markdown; HTML needs a DOM, so it lives with each side. */
export interface ContentCodec {
  /** The document schema (see `documentExtensions`). */
  readonly schema: Schema;
  /** The extensions the schema was built from, for converters that need them (HTML parsing). */
  readonly extensions: AnyExtension[];
  /**
   * Parses Markdown (CommonMark and GFM: tables, task lists, strikethrough, plus `==highlight==`) into a
   * document. An image keeps its alt text; headings past level 3 become level 3; links to addresses other than
   * http(s), mailto and tel keep their text only.
   */
  fromMarkdown(markdown: string): JSONContent;
  /** Writes a document as Markdown; underline has no Markdown syntax and is written as plain text. */
  toMarkdown(document: JSONContent): string;
  /**
   * Fits `document` to the schema (see `normalizeDocument`: unknown nodes give way to their content,
   * unsafe links lose the link) and checks the result; throws `RangeError` saying what still does not fit.
   */
  checkDocument(document: unknown): JSONContent;
}

/**
 * Builds the converters for Tandem's document schema. Building one parses the
 * schema and the Markdown grammar, so create one and keep it.
 *
 * @example
 * const codec = createContentCodec();
 * codec.toMarkdown(codec.fromMarkdown('# Notes\n\n- [ ] agenda\n')); // '# Notes\n\n- [ ] agenda\n'
 */
export function createContentCodec(): ContentCodec {
  const extensions = documentExtensions();
  const schema = getSchema(extensions);
  const markdown = new MarkdownManager({ extensions: flattenExtensions(resolveExtensions(extensions)) });

  function checkDocument(document: unknown): JSONContent {
    if (typeof document !== 'object' || document === null || (document as { type?: unknown }).type !== 'doc') {
      throw new RangeError('content must be a TipTap JSON document: an object with "type": "doc"');
    }
    let node: ProseMirrorNode;
    try {
      node = ProseMirrorNode.fromJSON(schema, normalizeDocument(document as JSONContent, schema));
      node.check();
    } catch (error) {
      throw new RangeError(`content does not fit the document schema: ${error instanceof Error ? error.message : String(error)}`);
    }
    return node.toJSON() as JSONContent;
  }

  return {
    schema,
    extensions,
    fromMarkdown: (text) => checkDocument(markdown.parse(text)),
    toMarkdown(document) {
      // Each top-level block on its own, joined by one blank line: the serializer pads some blocks
      // (tables) with extra newlines, and trimming them per block never touches a code block's inside.
      const blocks = (document.content ?? []).map((block) => markdown.serialize({ type: 'doc', content: [block] }).replace(/^\n+|\n+$/g, ''));
      const text = blocks.filter((block) => block.length > 0).join('\n\n');
      return text.length > 0 ? `${text}\n` : '';
    },
    checkDocument,
  };
}
