import { DEFAULT_IDENTITY_COLOR } from '../../../common/accessToken.js';
import type { CollabUser } from '../editor/CollabUser.js';
import type { AccessToken } from './readAccessToken.js';


/**
 * Who the server shows the bearer of this token as, or `null` when the token
 * sets no name (then the visitor picks their own). The server stamps a name
 * only together with a colour, so a colour alone changes nothing.
 *
 * @example
 * identityFromToken({ …, name: 'Bob' }) // { name: 'Bob', color: '#64748b' }
 */
export function identityFromToken(access: AccessToken | null): CollabUser | null {
  if (!access?.name) return null;
  return { name: access.name, color: access.color ?? DEFAULT_IDENTITY_COLOR };
}
