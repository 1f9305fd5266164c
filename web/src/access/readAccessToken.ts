import { JWTInvalid } from 'jose/errors';
import { decodeJwt } from 'jose/jwt/decode';
import { USER_NAME_MAX_LENGTH } from '../editor/CollabUser.js';
import { normalizeHexColor } from '../editor/normalizeHexColor.js';
import { ACCESS_TOKEN_QUERY_PARAMETER } from '../../../common/accessToken.js';

/**
 * The access token from a share link, with what its payload claims. Only for
 * display: the server verifies the signature and decides, so a token that
 * does not decode is still kept (and sent) and the server refuses it.
 */
export interface AccessToken {
  /** The token exactly as it was in the link; sent to the server unchanged. */
  token: string;
  /** `write` only when the payload says so: never show editing the token may not grant. */
  access: 'write' | 'read';
  /** Document names and `prefix*` patterns the token covers (`"*"` is every document); empty when unreadable. */
  documents: string[];
  /** The name everyone sees for this token's holder, when the token sets one. */
  name?: string;
  /** Their `#rrggbb` colour, when the token sets one. */
  color?: string;
  /** When the token stops working, when it says. */
  expiresAt?: Date;
  /** `false` when the token is not a JWT with a JSON payload (the server will refuse it). */
  readable: boolean;
}

/**
 * Reads the access token from a page URL's query string.
 *
 * @example
 * readAccessToken(location.search) // { token: 'eyJ…', access: 'read', documents: ['team-*'], name: 'Bob', … } or null
 * readAccessToken('?token=garbage') // { token: 'garbage', access: 'read', documents: [], readable: false }
 */
export function readAccessToken(search: string): AccessToken | null {
  const token = new URLSearchParams(search).get(ACCESS_TOKEN_QUERY_PARAMETER)?.trim();
  if (!token) return null;
  let payload: Record<string, unknown>;
  try {
    payload = decodeJwt(token);
  } catch (error) {
    if (error instanceof JWTInvalid) return { token, access: 'read', documents: [], readable: false };
    throw error;
  }
  const { access, documents, name, color, exp } = payload;
  const trimmedName = typeof name === 'string' ? name.trim().slice(0, USER_NAME_MAX_LENGTH) : '';
  const hexColor = normalizeHexColor(color);
  return {
    token,
    access: access === 'write' ? 'write' : 'read',
    documents: Array.isArray(documents) ? documents.filter((entry): entry is string => typeof entry === 'string') : [],
    ...(trimmedName ? { name: trimmedName } : {}),
    ...(hexColor ? { color: hexColor } : {}),
    ...(typeof exp === 'number' && Number.isFinite(exp) ? { expiresAt: new Date(exp * 1000) } : {}),
    readable: true,
  };
}
