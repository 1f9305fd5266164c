const SVG_NS = 'http://www.w3.org/2000/svg';

// 24×24 outline icons drawn with `currentColor` strokes. Static markup, never user data.
const ICONS = {
  undo: '<path d="M9 14 4 9l5-5"/><path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11"/>',
  redo: '<path d="m15 14 5-5-5-5"/><path d="M20 9H9.5a5.5 5.5 0 0 0 0 11H13"/>',
  bold: '<path d="M7 5h6a3.5 3.5 0 0 1 0 7H7z"/><path d="M7 12h7a3.5 3.5 0 0 1 0 7H7z"/>',
  italic: '<path d="M19 4h-9M14 20H5M15 4 9 20"/>',
  strike:
    '<path d="M16 6.5C15.3 5 13.8 4 12 4 9.5 4 7.6 5.4 7.6 7.5c0 1.3.7 2.3 2 3"/><path d="M4 12h16"/><path d="M15.6 14.5c.6.6.9 1.4.9 2.3 0 2-2 3.2-4.5 3.2-2.1 0-3.8-.9-4.6-2.4"/>',
  code: '<path d="m16 18 6-6-6-6"/><path d="m8 6-6 6 6 6"/>',
  bulletList:
    '<path d="M9 6h11M9 12h11M9 18h11"/><circle cx="4.5" cy="6" r="1.2" fill="currentColor" stroke="none"/><circle cx="4.5" cy="12" r="1.2" fill="currentColor" stroke="none"/><circle cx="4.5" cy="18" r="1.2" fill="currentColor" stroke="none"/>',
  orderedList:
    '<path d="M10 6h10M10 12h10M10 18h10"/><path d="M4 4h1.5v5M3.8 9h3.2" stroke-width="1.5"/><path d="M3.8 14.2a1.6 1.6 0 0 1 3 .6c0 .9-3 2.3-3 4.2h3.2" stroke-width="1.5"/>',
  blockquote: '<path d="M5 5v14"/><path d="M10 7h9M10 12h9M10 17h6"/>',
  codeBlock: '<rect x="3" y="4" width="18" height="16" rx="2.5"/><path d="m10 9.5-2.5 2.5 2.5 2.5M14 9.5l2.5 2.5-2.5 2.5"/>',
  link: '<path d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1"/><path d="M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1"/>',
  shuffle:
    '<path d="M3 7h3.5c2 0 3.3 1 4.5 3l2 4c1.2 2 2.5 3 4.5 3H21"/><path d="m18 14 3 3-3 3"/><path d="M3 17h3.5c1.3 0 2.3-.5 3.2-1.4"/><path d="M14.3 8.4C15.2 7.5 16.2 7 17.5 7H21"/><path d="m18 4 3 3-3 3"/>',
  plus: '<path d="M12 5v14M5 12h14"/>',
  file: '<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/><path d="M9 13h6M9 17h4"/>',
  warning: '<path d="M10.3 4 2.6 17.5A2 2 0 0 0 4.3 20.5h15.4a2 2 0 0 0 1.7-3L13.7 4a2 2 0 0 0-3.4 0z"/><path d="M12 10v4M12 17h.01"/>',
  check: '<path d="m5 12 5 5 9-10"/>',
  arrowLeft: '<path d="M19 12H5M11 18l-6-6 6-6"/>',
  eye: '<path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z"/><circle cx="12" cy="12" r="3"/>',
  lock: '<rect x="4" y="11" width="16" height="10" rx="2.5"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>',
  refresh: '<path d="M20 11a8 8 0 0 0-14.6-4.5L4 8"/><path d="M4 4v4h4"/><path d="M4 13a8 8 0 0 0 14.6 4.5L20 16"/><path d="M20 20v-4h-4"/>',
  unlink:
    '<path d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-3.2-6.8"/><path d="M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 3.2 6.8"/><path d="M4 4l16 16"/>',
  taskList:
    '<rect x="3.5" y="4.5" width="5" height="5" rx="1.2"/><path d="m4.8 16.5 1.4 1.4 2.6-2.8"/><path d="M12 7h8.5M12 17h8.5"/>',
  highlight: '<path d="m14.5 4.5 5 5L11 18H6v-5z"/><path d="M4 21h16"/><path d="m12 7 5 5"/>',
  table: '<rect x="3" y="4" width="18" height="16" rx="2"/><path d="M3 9.5h18M3 15h18M9 9.5V20M15 9.5V20"/>',
  rowAdd: '<rect x="3" y="4" width="18" height="8" rx="2"/><path d="M12 15v6M9 18h6"/><path d="M9 4v8M15 4v8"/>',
  columnAdd: '<rect x="4" y="3" width="8" height="18" rx="2"/><path d="M15 12h6M18 9v6"/><path d="M4 9h8M4 15h8"/>',
  rowDelete: '<rect x="3" y="4" width="18" height="8" rx="2"/><path d="m9.5 15.5 5 5M14.5 15.5l-5 5"/><path d="M9 4v8M15 4v8"/>',
  columnDelete: '<rect x="4" y="3" width="8" height="18" rx="2"/><path d="m15.5 9.5 5 5M20.5 9.5l-5 5"/><path d="M4 9h8M4 15h8"/>',
  tableDelete:
    '<path d="M11 20H5a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v5"/><path d="M3 9.5h18M9 9.5V20"/><path d="m15 15 5 5M20 15l-5 5"/>',
  share: '<path d="M12 3v12"/><path d="m7.5 7.5 4.5-4.5 4.5 4.5"/><path d="M5 12v6.5A2.5 2.5 0 0 0 7.5 21h9a2.5 2.5 0 0 0 2.5-2.5V12"/>',
  download: '<path d="M12 3v12"/><path d="m7.5 10.5 4.5 4.5 4.5-4.5"/><path d="M4 17v1.5A2.5 2.5 0 0 0 6.5 21h11a2.5 2.5 0 0 0 2.5-2.5V17"/>',
  upload: '<path d="M12 15V3"/><path d="m7.5 7.5 4.5-4.5 4.5 4.5"/><path d="M4 17v1.5A2.5 2.5 0 0 0 6.5 21h11a2.5 2.5 0 0 0 2.5-2.5V17"/>',
  search: '<circle cx="11" cy="11" r="7"/><path d="m20 20-3.5-3.5"/>',
  trash: '<path d="M4 7h16"/><path d="M10 11v6M14 11v6"/><path d="M6 7l1 12a2 2 0 0 0 2 2h6a2 2 0 0 0 2-2l1-12"/><path d="M9 7V4.5A1.5 1.5 0 0 1 10.5 3h3A1.5 1.5 0 0 1 15 4.5V7"/>',
  close: '<path d="M6 6l12 12M18 6 6 18"/>',
  chevronDown: '<path d="m6 9 6 6 6-6"/>',
} as const;

/** The names `icon` knows. */
export type IconName = keyof typeof ICONS;

/** A decorative inline SVG icon (hidden from screen readers; label the control instead). */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '20');
  svg.setAttribute('height', '20');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.classList.add('icon');
  svg.innerHTML = ICONS[name];
  return svg;
}
