import type { JSONContent } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import { hasAllowedProtocol } from './hasAllowedProtocol.js';

/** The inline node types a top-level run is wrapped into a paragraph for. */
const INLINE_TYPES = new Set(['text', 'hardBreak']);

/**
 * Makes content from outside (Markdown, HTML, TipTap JSON) fit the document
 * schema without losing the words: nodes the schema does not know are
 * replaced by their content (an image by its Markdown text), marks it does not
 * know are dropped, heading levels past 3 become 3, text at the top level is
 * wrapped in paragraphs, links to addresses that are not allowed lose the link
 * (not the text), and an empty document gets its one empty paragraph.
 */
export function normalizeDocument(document: JSONContent, schema: Schema): JSONContent {
  const blocks = wrapInlineRuns((document.content ?? []).flatMap((node) => normalizeNode(node, schema)));
  return { ...document, type: 'doc', content: blocks.length > 0 ? blocks : [{ type: 'paragraph' }] };
}

function normalizeNode(node: JSONContent, schema: Schema): JSONContent[] {
  const type = node.type ?? '';
  if (!schema.nodes[type]) {
    if (type === 'image') {
      const src = typeof node.attrs?.['src'] === 'string' ? node.attrs['src'] : '';
      const alt = typeof node.attrs?.['alt'] === 'string' ? node.attrs['alt'] : '';
      return src || alt ? [{ type: 'text', text: `![${alt}](${src})` }] : [];
    }
    return (node.content ?? []).flatMap((child) => normalizeNode(child, schema));
  }
  const result: JSONContent = { ...node };
  if (type === 'heading' && typeof node.attrs?.['level'] === 'number') {
    result.attrs = { ...node.attrs, level: Math.min(3, Math.max(1, Math.round(node.attrs['level']))) };
  }
  if (node.marks) {
    const marks = node.marks.filter((mark) => schema.marks[mark.type] && (mark.type !== 'link' || hasAllowedProtocol(String(mark.attrs?.['href'] ?? ''))));
    if (marks.length > 0) result.marks = marks;
    else delete result.marks;
  }
  if (node.content) result.content = node.content.flatMap((child) => normalizeNode(child, schema));
  return [result];
}

/** Consecutive top-level inline nodes, each run in one paragraph. */
function wrapInlineRuns(nodes: JSONContent[]): JSONContent[] {
  const blocks: JSONContent[] = [];
  let run: JSONContent[] | null = null;
  for (const node of nodes) {
    if (INLINE_TYPES.has(node.type ?? '')) {
      if (!run) blocks.push({ type: 'paragraph', content: (run = []) });
      run.push(node);
    } else {
      run = null;
      blocks.push(node);
    }
  }
  return blocks;
}
