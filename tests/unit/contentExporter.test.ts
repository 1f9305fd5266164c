import { prosemirrorJSONToYDoc, yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { createContentExporter, EXPORT_FORMATS } from '../../server/content/createContentExporter.js';

const codec = createContentCodec();
const exporter = createContentExporter();

const MARKDOWN = '# Plan\n\nSome **bold** and a [link](https://example.com).\n\n- [ ] open\n- [x] done\n\n| A   | B   |\n| --- | --- |\n| 1   | 2   |\n';

function docOf(markdown: string): Y.Doc {
  return prosemirrorJSONToYDoc(codec.schema, codec.fromMarkdown(markdown), 'default');
}

describe('createContentExporter', () => {
  it('writes TipTap JSON as the editor lays it out', async () => {
    const exported = await exporter.export(docOf(MARKDOWN), 'json');
    expect(exported.contentType).toBe('application/json; charset=utf-8');
    // Yjs keeps no null attributes; fitted to the schema, the defaults are back.
    expect(codec.checkDocument(JSON.parse(exported.body as string))).toEqual(codec.fromMarkdown(MARKDOWN));
    expect(JSON.parse(exported.body as string).content[0]).toEqual({ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'Plan' }] });
  });

  it('writes Markdown that reads back to the same document', async () => {
    const exported = await exporter.export(docOf(MARKDOWN), 'markdown');
    expect(exported.contentType).toBe('text/markdown; charset=utf-8');
    expect(exported.body).toBe(MARKDOWN);
  });

  it('writes an HTML fragment with the schema’s markup', async () => {
    const exported = await exporter.export(docOf('# Plan\n\nSome **bold** and a [link](https://example.com).\n'), 'html');
    expect(exported.contentType).toBe('text/html; charset=utf-8');
    expect(exported.body).toBe(
      '<h1>Plan</h1><p>Some <strong>bold</strong> and a <a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com">link</a>.</p>',
    );
  });

  it('writes plain text with one blank line between blocks, however deeply they nest', async () => {
    const exported = await exporter.export(docOf(MARKDOWN), 'text');
    expect(exported.contentType).toBe('text/plain; charset=utf-8');
    expect(exported.body).toBe('Plan\n\nSome bold and a link.\n\nopen\n\ndone\n\nA\n\nB\n\n1\n\n2\n');
  });

  it('writes the whole Yjs state as one update that rebuilds the same document', async () => {
    const doc = docOf(MARKDOWN);
    // History too: a deletion must survive the round trip.
    doc.getXmlFragment('default').delete(0, 1);
    const exported = await exporter.export(doc, 'yjs');
    expect(exported.contentType).toBe('application/octet-stream');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, exported.body as Uint8Array);
    expect(yXmlFragmentToProsemirrorJSON(copy.getXmlFragment('default'))).toEqual(yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('default')));
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(doc));
    expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(copy.store), Y.createDeleteSetFromStructStore(doc.store))).toBe(true);
  });

  it('writes a document nobody has typed in as one empty paragraph, in every format', async () => {
    const empty = new Y.Doc();
    const bodies = Object.fromEntries(await Promise.all(EXPORT_FORMATS.map(async (format) => [format, (await exporter.export(empty, format)).body])));
    expect(JSON.parse(bodies['json'] as string)).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    expect(bodies['html']).toBe('<p></p>');
    expect(bodies['markdown']).toBe('');
    expect(bodies['text']).toBe('');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, bodies['yjs'] as Uint8Array);
    expect(copy.getXmlFragment('default').length).toBe(0);
  });
});
