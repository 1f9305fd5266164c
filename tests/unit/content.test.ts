import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { createContentImporter } from '../../server/content/createContentImporter.js';
import { documentTitle } from '../../server/rooms/documentTitle.js';

const codec = createContentCodec();
const importer = createContentImporter();

/** The document an imported update holds, read back the way the editor's Collaboration extension reads it. */
function imported(update: Uint8Array) {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, update);
  return { doc, json: yXmlFragmentToProsemirrorJSON(doc.getXmlFragment('default')) };
}

describe('createContentCodec', () => {
  it('writes back the Markdown it read, for every supported block and mark', () => {
    const markdown = [
      '# One',
      '## Two',
      '### Three',
      'Text with **bold**, *italic*, ~~strike~~, `code`, ==highlight== and a [link](https://example.com).',
      '- bullet\n  - nested',
      '1. first\n2. second',
      '- [ ] open\n- [x] done',
      '> quoted',
      '```ts\nconst a = 1;\n\nconst b = 2;\n```',
      '---',
      '| A   | B   |\n| --- | --- |\n| 1   | 2   |',
    ].join('\n\n') + '\n';
    expect(codec.toMarkdown(codec.fromMarkdown(markdown))).toBe(markdown);
  });

  it('writes an empty document as an empty string', () => {
    expect(codec.toMarkdown({ type: 'doc', content: [{ type: 'paragraph' }] })).toBe('');
  });

  it('fits everyday Markdown to the schema instead of refusing it: images, deep headings, empty files, unsafe links', () => {
    expect(codec.toMarkdown(codec.fromMarkdown('# T\n\n![logo](logo.png)\n\n#### Deep\n\n[bad](javascript:alert(1)) and [ok](https://a.b)\n'))).toBe(
      '# T\n\nlogo\n\n### Deep\n\nbad and [ok](https://a.b)\n',
    );
    expect(codec.fromMarkdown('')).toEqual({ type: 'doc', content: [{ type: 'paragraph' }] });
    const fitted = codec.checkDocument({
      type: 'doc',
      content: [
        { type: 'text', text: 'loose ' },
        { type: 'image', attrs: { src: 'a.png', alt: 'A' } },
        { type: 'heading', attrs: { level: 9 }, content: [{ type: 'text', text: 'H', marks: [{ type: 'link', attrs: { href: ' java\tscript:alert(1)' } }, { type: 'blink' }] }] },
        { type: 'callout', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'inside' }] }] },
      ],
    });
    // The image's Markdown is text now, so writing it escapes it.
    expect(codec.toMarkdown(fitted)).toBe('loose !\\[A\\](a.png)\n\n### H\n\ninside\n');
  });

  it('refuses JSON that does not fit the schema, saying where', () => {
    expect(() => codec.checkDocument({ type: 'doc', content: [{ type: 'table', content: [{ type: 'paragraph' }] }] })).toThrow(/does not fit the document schema/);
    expect(() => codec.checkDocument({ type: 'paragraph' })).toThrow(/"type": "doc"/);
    expect(() => codec.checkDocument('nope')).toThrow(RangeError);
  });
});

describe('createContentImporter', () => {
  it('builds the update the editor reads: Markdown', () => {
    const { json } = imported(importer.toUpdate({ format: 'markdown', value: '# Plan\n\n- [x] book room\n' }));
    expect(json.content?.map((block: { type?: string }) => block.type)).toEqual(['heading', 'taskList']);
    expect(codec.toMarkdown(json)).toBe('# Plan\n\n- [x] book room\n');
  });

  it('keeps only what the schema knows from HTML: no scripts, no event handlers, no unknown tags', () => {
    const { json } = imported(
      importer.toUpdate({
        format: 'html',
        value: '<h2 onclick="steal()">Agenda</h2><script>alert(1)</script><p>Hi <mark>there</mark> <img src=x onerror="steal()"><a href="javascript:alert(1)">bad</a></p>',
      }),
    );
    const text = JSON.stringify(json);
    expect(text).not.toMatch(/script|onclick|onerror|steal|javascript:/);
    const { json: linked } = imported(importer.toUpdate({ format: 'html', value: '<p><a href="https://x.y" rel="opener" target="_top" class="share-button">x</a></p>' }));
    // Rendered the same way whatever the import said: a new tab, no opener, no borrowed styles.
    expect(linked.content?.[0]?.content?.[0]?.marks?.[0]?.attrs).toMatchObject({ href: 'https://x.y', target: '_blank', rel: 'noopener noreferrer nofollow', class: null });
    expect(codec.toMarkdown(json)).toBe('## Agenda\n\nHi ==there== bad\n');
  });

  it('accepts TipTap JSON and refuses JSON outside the schema', () => {
    const { json } = imported(importer.toUpdate({ format: 'json', value: { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hello' }] }] } }));
    expect(codec.toMarkdown(json)).toBe('hello\n');
    expect(() => importer.toUpdate({ format: 'json', value: { type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'text', text: 'no item' }] }] } })).toThrow(RangeError);
  });
});

describe('documentTitle', () => {
  it('is the first non-empty heading, whitespace collapsed, whatever comes before it', () => {
    const { doc } = imported(importer.toUpdate({ format: 'markdown', value: 'intro\n\n##\n\n## Second   *level*  title\n\n# Later\n' }));
    expect(documentTitle(doc)).toBe('Second level title');
  });

  it('is null without a heading, and cut at 200 characters', () => {
    expect(documentTitle(imported(importer.toUpdate({ format: 'markdown', value: 'just text\n' })).doc)).toBeNull();
    expect(documentTitle(imported(importer.toUpdate({ format: 'markdown', value: `# ${'long '.repeat(100)}\n` })).doc)).toHaveLength(200);
  });
});
