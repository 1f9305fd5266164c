import { ACCESS_TOKEN_QUERY_PARAMETER } from '../../common/accessToken.js';

/**
 * The link to send someone with a token: the document itself, or the list
 * when the token covers several (a prefix, or more than one name).
 */
export function shareLinkFor(baseUrl: string, documents: readonly string[], token: string): string {
  const [only] = documents;
  const path = documents.length === 1 && only !== undefined && !only.endsWith('*') ? `/d/${only}` : '/';
  return `${baseUrl}${path}?${ACCESS_TOKEN_QUERY_PARAMETER}=${encodeURIComponent(token)}`;
}
