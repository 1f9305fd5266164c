import type { AccessToken } from '../access/readAccessToken.js';

const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

/**
 * Who can use this document's link, and for what: the page's own access
 * (the link carries its token), or anyone when the server checks nobody.
 *
 * @example
 * shareSentence(null)                              // 'This server lets in anyone who can reach it: …'
 * shareSentence({ access: 'read', name: 'Bob', … }) // 'Anyone with this link can view this document …'
 */
export function shareSentence(access: Pick<AccessToken, 'access' | 'name' | 'expiresAt'> | null): string {
  if (!access) return 'This server lets in anyone who can reach it: whoever opens this link can read and edit the document.';
  const what =
    access.access === 'write'
      ? 'Anyone with this link can edit this document.'
      : 'Anyone with this link can view this document and follow changes live, but not edit it.';
  // The link is your own: whoever opens it is shown to the others with your name.
  const who = access.name ? ` They appear to others as ${access.name}.` : '';
  const until = access.expiresAt ? ` The link stops working on ${longDate.format(access.expiresAt)}.` : '';
  return `${what}${who}${until}`;
}
