import type { Context } from 'hono';
import { coversDocument } from '../../common/accessToken.js';
import type { AppEnv, ErrorBody } from './AppEnv.js';

/** With authentication on, changing a document needs a write token that covers it. */
export function refuseChange(c: Context<AppEnv>, documentName: string): Response | null {
  const grant = c.get('grant');
  if (grant === null) return null;
  if (grant.access !== 'write') return c.json<ErrorBody>({ error: { code: 'forbidden', message: 'this access token is read-only' } }, 403);
  return refuseRead(c, documentName);
}

/** With authentication on, reading a document needs a token (read or write) that covers it. */
export function refuseRead(c: Context<AppEnv>, documentName: string): Response | null {
  const grant = c.get('grant');
  if (grant === null || coversDocument(grant.documents, documentName)) return null;
  return c.json<ErrorBody>({ error: { code: 'forbidden', message: `this access token does not cover "${documentName}"` } }, 403);
}
