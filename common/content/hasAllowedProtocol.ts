import { LINK_PROTOCOLS } from './SafeLink.js';

/**
 * Whether a link address may be followed: `http(s):`, `mailto:`, `tel:`, or
 * relative (no scheme). Control characters and whitespace, which browsers
 * strip before reading a scheme (`java\tscript:`), are removed first.
 */
export function hasAllowedProtocol(href: string): boolean {
  const cleaned = href.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1]?.toLowerCase();
  return scheme === undefined || (LINK_PROTOCOLS as readonly string[]).includes(scheme);
}
