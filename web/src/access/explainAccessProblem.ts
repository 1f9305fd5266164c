/**
 * Why the server will not let a visitor in:
 * - `access-required`: the server needs an access link and the visitor came without one;
 * - `link-invalid`: the token is not one this server signed (or is damaged, or grants nothing);
 * - `link-expired`: the token was valid and has expired;
 * - `not-covered`: the token is fine but does not cover this document;
 * - `origin-not-allowed`: the page was loaded from an address the server does not accept.
 */
export type AccessProblem = 'access-required' | 'link-invalid' | 'link-expired' | 'not-covered' | 'origin-not-allowed';

export interface AccessProblemContext {
  /** What the visitor tried to open: a document (its editor page) or the document list. */
  opening: 'document' | 'list';
  /** When the visitor's token expired, if it says. */
  expiresAt?: Date;
  /** The server's own words (a close reason), shown where they add something. */
  serverReason?: string;
}

const longDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

/**
 * A title and a sentence or two for a visitor the server refused, saying what
 * to do next (almost always: ask whoever shared the link).
 *
 * @example
 * explainAccessProblem('link-expired', { opening: 'document' })
 * // { title: 'This link has expired', detail: 'Ask the person who shared it for a new link.' }
 */
export function explainAccessProblem(problem: AccessProblem, context: AccessProblemContext): { title: string; detail: string } {
  switch (problem) {
    case 'access-required':
      return {
        title: 'You need an access link',
        detail:
          context.opening === 'document'
            ? 'This server requires an access link to open documents. Ask the person who shared this document for its link.'
            : 'This server requires an access link. Open Tandem through the link someone shared with you; it includes your access.',
      };
    case 'link-invalid':
      return { title: 'This link doesn’t work', detail: 'This link is invalid or has expired. Ask the person who shared it for a new link.' };
    case 'link-expired':
      return {
        title: 'This link has expired',
        detail: context.expiresAt
          ? `It stopped working on ${longDate.format(context.expiresAt)}. Ask the person who shared it for a new link.`
          : 'Ask the person who shared it for a new link.',
      };
    case 'not-covered':
      return {
        title: 'No access to this document',
        detail: 'This link does not give access to this document. Ask the person who shared it for a link that does.',
      };
    case 'origin-not-allowed':
      return {
        title: 'This address can’t connect',
        detail: `${context.serverReason ? `The server says: ${context.serverReason}. ` : ''}Open Tandem at the address its operator gave you.`,
      };
  }
}
