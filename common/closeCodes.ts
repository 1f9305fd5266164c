/**
 * WebSocket close codes the server uses. y-websocket stops reconnecting on
 * 4400–4499 (the request itself is wrong) and retries with backoff on
 * anything else.
 */
export const CloseCode = {
  /** RFC 6455: the client broke a rule of this server (message rate, handshake time). Clients retry. */
  policyViolation: 1008,
  /** RFC 6455: the frame was larger than the server accepts. */
  messageTooBig: 1009,
  /** RFC 6455: the server hit an unexpected condition (for example the document could not be loaded). Clients retry. */
  internalError: 1011,
  /** RFC 6455: the server is restarting. Clients retry. */
  serviceRestart: 1012,
  /** RFC 6455: the server or the document has no room for another connection now. Clients retry. */
  tryAgainLater: 1013,
  /** Bad document name or a message that breaks the protocol. Clients give up. */
  badRequest: 4400,
  /** The access token is missing, invalid or expired. Clients give up (a new token is needed). */
  unauthorized: 4401,
  /** The token does not cover this document, or the page's origin is not allowed. Clients give up. */
  forbidden: 4403,
  /** The document was deleted while the peer was in it. Clients give up (and should drop any local copy). */
  documentDeleted: 4404,
  /** The change would grow the document past its size limit; it was not applied. Clients give up. */
  documentTooLarge: 4413,
} as const;
