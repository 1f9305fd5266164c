/**
 * WebSocket close codes the server uses. y-websocket stops reconnecting on
 * 4400–4499 (the request itself is wrong) and retries with backoff on
 * anything else.
 */
export const CloseCode = {
  /** RFC 6455: the frame was larger than the server accepts. */
  messageTooBig: 1009,
  /** RFC 6455: the server hit an unexpected condition (for example the document could not be loaded). Clients retry. */
  internalError: 1011,
  /** RFC 6455: the server is restarting. Clients retry. */
  serviceRestart: 1012,
  /** Bad document name or a message that breaks the protocol. Clients give up. */
  badRequest: 4400,
} as const;

/** Close reasons are limited to 123 bytes by RFC 6455. */
export function closeReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.byteLength <= 123) return reason;
  return `${bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}
