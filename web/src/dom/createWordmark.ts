import { h } from './h.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The Tandem logo and name, linking to the document list (`href`, which keeps an access link's token; default `/`). */
export function createWordmark(href = '/'): HTMLAnchorElement {
  const mark = document.createElementNS(SVG_NS, 'svg');
  mark.setAttribute('viewBox', '0 0 32 32');
  mark.setAttribute('width', '28');
  mark.setAttribute('height', '28');
  mark.setAttribute('aria-hidden', 'true');
  mark.classList.add('wordmark__mark');
  // Two overlapping pages: two people on one document.
  mark.innerHTML =
    '<rect x="3" y="7" width="17" height="22" rx="4" fill="currentColor" opacity=".4"/>' +
    '<rect x="12" y="3" width="17" height="22" rx="4" fill="currentColor"/>' +
    '<path d="M16.5 10h8M16.5 14h8M16.5 18h5" stroke="var(--wordmark-lines, #fff)" stroke-width="2" stroke-linecap="round"/>';
  return h('a', { href, class: 'wordmark', 'aria-label': 'Tandem: all documents', 'data-testid': 'wordmark' }, mark, h('span', { class: 'wordmark__text' }, 'Tandem'));
}
