import type { JSONContent } from '@tiptap/core';

/**
 * The text of a document's first non-empty heading, whitespace collapsed, or
 * `null`: what the server calls the document's title.
 *
 * @example
 * firstHeadingText({ type: 'doc', content: [{ type: 'heading', content: [{ type: 'text', text: 'Plan' }] }] }) // 'Plan'
 */
export function firstHeadingText(document: JSONContent): string | null {
  for (const block of document.content ?? []) {
    if (block.type !== 'heading') continue;
    const text = textOf(block).replace(/\s+/g, ' ').trim();
    if (text.length > 0) return text;
  }
  return null;
}

function textOf(node: JSONContent): string {
  return (node.text ?? '') + (node.content ?? []).map(textOf).join('');
}
