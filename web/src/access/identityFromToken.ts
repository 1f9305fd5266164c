import { DEFAULT_IDENTITY_COLOR, GUEST_NAME } from '../../../common/accessToken.js';
import type { CollabUser } from '../editor/CollabUser.js';
import type { AccessToken } from './readAccessToken.js';


/**
 * Who the server shows the bearer of this token as, or `null` without a token
 * (then the visitor picks their own name). A token that names nobody shows
 * its bearer as "Guest".
 *
 * @example
 * identityFromToken({ …, name: 'Bob' }) // { name: 'Bob', color: '#64748b' }
 * identityFromToken({ …, name: undefined }) // { name: 'Guest', color: '#64748b' }
 */
export function identityFromToken(access: AccessToken | null): CollabUser | null {
  if (!access) return null;
  return { name: access.name ?? GUEST_NAME, color: access.color ?? DEFAULT_IDENTITY_COLOR };
}
