import { describe, expect, it } from 'vitest';
import { firstHeadingText } from '../../web/src/documentPage/firstHeadingText.js';
import { shareSentence } from '../../web/src/documentPage/shareSentence.js';
import { standaloneHtml } from '../../web/src/documentPage/standaloneHtml.js';
import { normalizeLinkUrl } from '../../web/src/toolbar/normalizeLinkUrl.js';

describe('normalizeLinkUrl (the link form)', () => {
  it('keeps full web, mail and phone addresses', () => {
    expect(normalizeLinkUrl(' https://example.com/docs?a=1#b ')).toBe('https://example.com/docs?a=1#b');
    expect(normalizeLinkUrl('http://localhost:8080')).toBe('http://localhost:8080');
    expect(normalizeLinkUrl('mailto:ada@example.com')).toBe('mailto:ada@example.com');
    expect(normalizeLinkUrl('tel:+441234567')).toBe('tel:+441234567');
  });

  it('completes what people usually type', () => {
    expect(normalizeLinkUrl('example.com/docs')).toBe('https://example.com/docs');
    expect(normalizeLinkUrl('www.example.com')).toBe('https://www.example.com');
    expect(normalizeLinkUrl('example.com:8080/a')).toBe('https://example.com:8080/a');
    expect(normalizeLinkUrl('localhost:3000')).toBe('https://localhost:3000');
    expect(normalizeLinkUrl('//example.com')).toBe('https://example.com');
    expect(normalizeLinkUrl('ada@example.com')).toBe('mailto:ada@example.com');
  });

  it('refuses scripts, other schemes and what is not an address', () => {
    for (const text of ['javascript:alert(1)', 'JavaScript:void(0)', 'data:text/html,<b>x</b>', 'vbscript:x', 'ftp://example.com', 'file:///etc/passwd', '', '   ', 'hello', 'two words.com', '/relative', '#top']) {
      expect(normalizeLinkUrl(text), text).toBeNull();
    }
  });
});

describe('shareSentence (who the share link lets in)', () => {
  it('says anyone can edit on a server without access links', () => {
    expect(shareSentence(null)).toBe('This server lets in anyone who can reach it: whoever opens this link can read and edit the document.');
  });

  it('says what the page’s own token allows, as whom, and until when', () => {
    expect(shareSentence({ access: 'write' })).toBe('Anyone with this link can edit this document.');
    const read = shareSentence({ access: 'read', name: 'Bob', expiresAt: new Date('2030-01-02T03:04:00Z') });
    expect(read).toMatch(/^Anyone with this link can view this document and follow changes live, but not edit it\. They appear to others as Bob\. The link stops working on .*2030.*\.$/);
  });
});

describe('exports', () => {
  it('firstHeadingText finds the first non-empty heading, like the server’s title', () => {
    const document = {
      type: 'doc',
      content: [
        { type: 'paragraph', content: [{ type: 'text', text: 'Intro' }] },
        { type: 'heading', attrs: { level: 2 }, content: [] },
        { type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: ' Plan ' }, { type: 'text', text: ' for  Q3', marks: [{ type: 'bold' }] }] },
      ],
    };
    expect(firstHeadingText(document)).toBe('Plan for Q3');
    expect(firstHeadingText({ type: 'doc', content: [{ type: 'paragraph' }] })).toBeNull();
  });

  it('standaloneHtml wraps the body in a complete page with an escaped title', () => {
    const html = standaloneHtml('Tom & Jerry <script>', '<p>Hi</p>');
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<title>Tom &#38; Jerry &#60;script&#62;</title>');
    expect(html).toContain('<body>\n<p>Hi</p>\n</body>');
    expect(html.endsWith('</html>\n')).toBe(true);
  });
});
