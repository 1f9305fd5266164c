import { prosemirrorJSONToYDoc, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { createContentEditor } from '../../server/content/createContentEditor.js';

const codec = createContentCodec();
const editor = createContentEditor();

function docOf(markdown: string): Y.Doc {
  return prosemirrorJSONToYDoc(codec.schema, codec.fromMarkdown(markdown), 'default');
}

function markdownOf(doc: Y.Doc): string {
  return codec.toMarkdown(yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('default')));
}

function blocks(doc: Y.Doc): Y.XmlElement[] {
  return doc.getXmlFragment('default').toArray() as Y.XmlElement[];
}

describe('createContentEditor', () => {
  it('replaces only what differs: kept blocks stay the same Yjs items, with positions in them intact', () => {
    const doc = docOf('# Title\n\nkept paragraph\n\nold paragraph\n\nlast one\n');
    const [title, kept, old, last] = blocks(doc);
    const keptText = kept!.get(0) as Y.XmlText;
    const caret = Y.createRelativePositionFromTypeIndex(keptText, 4);
    editor.replace(doc, codec.fromMarkdown('# Title\n\nkept paragraph\n\nnew paragraph\n\nlast one\n'));
    expect(markdownOf(doc)).toBe('# Title\n\nkept paragraph\n\nnew paragraph\n\nlast one\n');
    const after = blocks(doc);
    expect(after[0]).toBe(title);
    expect(after[1]).toBe(kept);
    expect(after[3]).toBe(last);
    expect(kept!._item?.deleted).toBe(false);
    const resolved = Y.createAbsolutePositionFromRelativePosition(caret, doc);
    expect(resolved?.type).toBe(keptText);
    expect(resolved?.index).toBe(4);
    // The changed paragraph is edited in place (same element, new text) or replaced.
    expect(after[2] === old || old!._item?.deleted).toBe(true);
  });

  it('changes nothing when the new content equals the old', () => {
    const doc = docOf('# Same\n\n- a\n- b\n');
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    editor.replace(doc, codec.fromMarkdown('# Same\n\n- a\n- b\n'));
    expect(updates).toEqual([]);
  });

  it('replaces everything with a blank document', () => {
    const doc = docOf('# Gone\n\ntext\n');
    editor.replace(doc, { type: 'doc', content: [{ type: 'paragraph' }] });
    // The old text node may stay, emptied (y-prosemirror keeps it for concurrent edits): the same document.
    expect(codec.checkDocument(yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('default')))).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
  });

  it('appends after the existing blocks, leaving them untouched', () => {
    const doc = docOf('# Log\n\nfirst\n');
    const before = blocks(doc);
    editor.append(doc, codec.fromMarkdown('second\n\n- [ ] todo\n'));
    expect(markdownOf(doc)).toBe('# Log\n\nfirst\n\nsecond\n\n- [ ] todo\n');
    expect(blocks(doc).slice(0, 2)).toEqual(before);
  });

  it('puts appended blocks in place of a blank document’s empty paragraph, and appends nothing for blank content', () => {
    const blank = prosemirrorJSONToYDoc(codec.schema, { type: 'doc', content: [{ type: 'paragraph' }] }, 'default');
    editor.append(blank, codec.fromMarkdown('# Fresh\n'));
    expect(markdownOf(blank)).toBe('# Fresh\n');
    const empty = new Y.Doc();
    editor.append(empty, codec.fromMarkdown('text\n'));
    expect(markdownOf(empty)).toBe('text\n');
    const updates: Uint8Array[] = [];
    blank.on('update', (update: Uint8Array) => updates.push(update));
    editor.append(blank, codec.fromMarkdown(''));
    expect(updates).toEqual([]);
  });
});
