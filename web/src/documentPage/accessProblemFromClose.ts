import type { AccessProblem } from '../access/explainAccessProblem.js';
import type { AccessToken } from '../access/readAccessToken.js';

/** Close code: the access token is missing, invalid or expired. */
const UNAUTHORIZED = 4401;
/** Close code: the token does not cover the document, or the page's origin is not allowed. */
const FORBIDDEN = 4403;

/**
 * What a 4401/4403 close means for the visitor, from the code, the server's
 * reason and the token they came with; `null` for any other close.
 *
 * @example
 * accessProblemFromClose({ code: 4401, reason: 'access token expired' }, token, new Date()) // 'link-expired'
 */
export function accessProblemFromClose(close: { code: number; reason: string }, access: AccessToken | null, now: Date): AccessProblem | null {
  if (close.code === UNAUTHORIZED) {
    if (!access) return 'access-required';
    const expired = /expired/i.test(close.reason) || (access.expiresAt !== undefined && access.expiresAt <= now);
    return expired ? 'link-expired' : 'link-invalid';
  }
  if (close.code === FORBIDDEN) {
    // The reason names the document when the token is the problem (and a document may be called "origin-…").
    if (/does not cover/i.test(close.reason)) return 'not-covered';
    return /origin|may not connect/i.test(close.reason) ? 'origin-not-allowed' : 'not-covered';
  }
  return null;
}
