import { ACCESS_TOKEN_QUERY_PARAMETER } from '../../../common/accessToken.js';

/**
 * A same-site link that keeps the visitor's access: `path` with the token as
 * query parameter, or `path` unchanged without a token.
 *
 * @example
 * withToken('/d/team-notes', 'eyJ…') // '/d/team-notes?token=eyJ…'
 * withToken('/', null)               // '/'
 */
export function withToken(path: string, token: string | null | undefined): string {
  if (!token) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${ACCESS_TOKEN_QUERY_PARAMETER}=${encodeURIComponent(token)}`;
}
