import { identityFromToken } from '../access/identityFromToken.js';
import { readAccessToken } from '../access/readAccessToken.js';
import type { CollabUser } from '../editor/CollabUser.js';

/** What the embed page's query string asks for. */
export interface EmbedOptions {
  token?: string;
  /** Who you are: from the access token when it names you, else `name=`/`color=`; `undefined` parts are left to the caller. */
  user: Partial<CollabUser>;
  /** `readonly=1`, or a read-only access token. */
  readOnly: boolean;
  placeholder?: string;
}

/**
 * Reads `/embed/<name>`'s query parameters: `token`, `name`, `color`
 * (`#rrggbb`; the `#` may be left out, it is awkward in URLs), `readonly=1`
 * and `placeholder`. An access token's name and colour win over `name` and
 * `color`: the server shows its holder by the token anyway.
 *
 * @example
 * readEmbedOptions('?name=Ada&color=1565c0&readonly=1')
 * // { user: { name: 'Ada', color: '#1565c0' }, readOnly: true }
 */
export function readEmbedOptions(search: string): EmbedOptions {
  const params = new URLSearchParams(search);
  const access = readAccessToken(search);
  const identity = identityFromToken(access);
  const name = params.get('name')?.trim() || undefined;
  const color = params.get('color')?.trim() || undefined;
  const placeholder = params.get('placeholder')?.trim() || undefined;
  return {
    ...(access ? { token: access.token } : {}),
    user: identity ?? { ...(name ? { name } : {}), ...(color ? { color: /^[0-9a-f]{3}([0-9a-f]{3})?$/i.test(color) ? `#${color}` : color } : {}) },
    // An unreadable token gets no editing either; the server refuses it at once.
    readOnly: ['1', 'true', ''].includes(params.get('readonly') ?? 'no') || (access !== null && access.access === 'read'),
    ...(placeholder ? { placeholder } : {}),
  };
}
