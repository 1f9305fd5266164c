/**
 * What the server and the web app agree on about access tokens. The server
 * verifies tokens (server/access/accessToken.ts); the web app only reads
 * them to shape its pages.
 */

/**
 * The query parameter that carries an access token: on page links
 * (`/d/<name>?token=…`, `/?token=…`, the share link) and on the WebSocket
 * (`/ws/<name>?token=…`), where browsers cannot set an `Authorization` header.
 */
export const ACCESS_TOKEN_QUERY_PARAMETER = 'token';

/** The caret colour of a token that sets no colour. */
export const DEFAULT_IDENTITY_COLOR = '#64748b';

/**
 * The name the server shows for a token that names nobody. With
 * authentication on, every name the others see comes from a token, so a
 * nameless token cannot borrow someone else's.
 */
export const GUEST_NAME = 'Guest';

/**
 * Whether a token's `documents` list covers a document: each entry is an
 * exact name, or a prefix ending in `*` (`"*"` alone covers every document).
 *
 * @example
 * coversDocument(['team-*'], 'team-notes') // true
 * coversDocument(['notes'], 'notes-2')     // false
 */
export function coversDocument(documents: readonly string[], documentName: string): boolean {
  return documents.some((entry) => (entry.endsWith('*') ? documentName.startsWith(entry.slice(0, -1)) : entry === documentName));
}
