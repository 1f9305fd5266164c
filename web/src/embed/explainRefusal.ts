import { CloseCode } from '../../../common/closeCodes.js';
import { explainAccessProblem } from '../access/explainAccessProblem.js';
import { readAccessToken } from '../access/readAccessToken.js';
import { accessProblemFromClose } from '../documentPage/accessProblemFromClose.js';
import type { ConnectionClose } from '../editor/watchConnectionStatus.js';
import { asSentence } from '../text/asSentence.js';

/** What an embedded editor says when the server refused it for good. */
export interface Refusal {
  title: string;
  message: string;
  /** `access` when a (different) token or origin would let it in; `error` otherwise. */
  tone: 'access' | 'error';
}

/**
 * Explains a permanent close to whoever looks at an embedded editor. A page on
 * another site whose origin the server does not accept is the embedder's
 * mistake, so that message names the fix (`ALLOWED_ORIGINS`) rather than
 * sending a visitor to "the address the operator gave you".
 *
 * @example
 * explainRefusal({ code: 4403, reason: 'origin https://blog.example not allowed', permanent: true }, { token: undefined, pageOrigin: 'https://blog.example', serverOrigin: 'https://docs.example.com' })
 * // { title: 'This page can’t connect to Tandem', message: '… add https://blog.example to its ALLOWED_ORIGINS …', tone: 'access' }
 */
export function explainRefusal(close: ConnectionClose, context: { token: string | undefined; pageOrigin: string; serverOrigin: string }): Refusal {
  const access = context.token === undefined ? null : readAccessToken(`?token=${encodeURIComponent(context.token)}`);
  const problem = accessProblemFromClose(close, access, new Date());
  if (problem === 'origin-not-allowed') {
    return {
      title: 'This page can’t connect to Tandem',
      message: `The Tandem server at ${context.serverOrigin} does not accept editors on pages from ${context.pageOrigin}. Its operator can add ${context.pageOrigin} to ALLOWED_ORIGINS (--allowed-origins).`,
      tone: 'access',
    };
  }
  // Without a token, a 4403 that is not about the origin is not about coverage either (an open server reached by a host name it does not answer to).
  if (problem && !(problem === 'not-covered' && !access)) {
    const explained = explainAccessProblem(problem, {
      opening: 'document',
      ...(access?.expiresAt ? { expiresAt: access.expiresAt } : {}),
      ...(close.reason ? { serverReason: close.reason } : {}),
    });
    return { title: explained.title, message: explained.detail, tone: 'access' };
  }
  if (close.code === CloseCode.documentDeleted) {
    return { title: 'This document was deleted', message: 'Someone deleted it while it was open here.', tone: 'error' };
  }
  const detail = close.reason ? asSentence(close.reason) : `The server refused the connection (close code ${close.code}).`;
  return { title: 'This document can’t be opened', message: detail, tone: 'error' };
}
