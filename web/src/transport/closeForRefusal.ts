import { TransportCloseCode } from './TransportCloseCode.js';

/** A close as the fallback WebSocket reports it (`onclose`). */
export interface TransportClose {
  code: number;
  reason: string;
}

/**
 * The close to report for a refusing answer of the HTTP fallback. The server's JSON error
 * (`{ "error": { "code", "message", "closeCode" } }`) names the WebSocket close code it would have
 * used, so Tandem's close handling applies unchanged. A session the server no longer knows (404 on
 * a session URL, `onSession`) is lost, not refused: whatever code it names, the close is
 * `TransportCloseCode.lost`, so y-websocket reconnects with a new session. An answer without that
 * JSON (a proxy's error page) is lost too, with the status in the reason.
 *
 * @example
 * await closeForRefusal(new Response('{"error":{"code":"forbidden","message":"token expired","closeCode":4401}}', { status: 401 }), false);
 * // { code: 4401, reason: 'token expired' }
 */
export async function closeForRefusal(response: Response, onSession: boolean): Promise<TransportClose> {
  const error = readErrorBody(await response.text());
  if (onSession && response.status === 404) {
    return { code: TransportCloseCode.lost, reason: `the server no longer knows this HTTP session${error ? ` (${error.message})` : ''}` };
  }
  if (error?.closeCode !== undefined) return { code: error.closeCode, reason: error.message };
  return { code: TransportCloseCode.lost, reason: `the server answered ${response.status}${error ? `: ${error.message}` : ''}` };
}

function readErrorBody(text: string): { message: string; closeCode?: number } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // An HTML error page from a proxy, say: the status alone has to do.
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const { error } = body;
  if (typeof error !== 'object' || error === null) return null;
  const message = 'message' in error && typeof error.message === 'string' ? error.message : '';
  const closeCode = 'closeCode' in error && Number.isInteger(error.closeCode) ? (error.closeCode as number) : undefined;
  return closeCode === undefined ? { message } : { message, closeCode };
}
