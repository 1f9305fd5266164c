/**
 * Adds `<link rel="stylesheet" href>` to the document's head unless a link to
 * the same URL is already there, so a page needs only the script. It goes
 * first in the head: the page's own rules, loaded later, win over it.
 *
 * @example
 * ensureStylesheet(document, 'https://docs.example.com/lib/tandem-editor.css');
 */
export function ensureStylesheet(document: Document, href: string): HTMLLinkElement {
  const absolute = new URL(href, document.baseURI).href;
  const existing = [...document.querySelectorAll<HTMLLinkElement>('link[rel~="stylesheet"]')].find((link) => link.href === absolute);
  if (existing) return existing;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = absolute;
  document.head.prepend(link);
  return link;
}
