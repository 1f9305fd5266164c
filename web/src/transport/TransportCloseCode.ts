/**
 * Close codes the fallback WebSocket reports itself, besides the server's own (see `CloseCode`).
 * Neither is permanent, so y-websocket reconnects.
 */
export const TransportCloseCode = {
  /** The connection was lost without a word from the server (what browsers report for a dropped WebSocket). */
  lost: 1006,
  /** WebSockets work again: the HTTP connection closes so y-websocket reconnects over a WebSocket. */
  switchingToWebSocket: 3000,
} as const;
