/**
 * The y-websocket wire protocol, as spoken by the stock `WebsocketProvider`.
 * Every WebSocket frame carries exactly one binary message:
 *
 *   message         = varUint(messageType) payload
 *   sync (0)        = varUint(syncType) varUint8Array(data)
 *                       syncType 0 step 1: data is the sender's state vector
 *                       syncType 1 step 2: data is a Yjs update (what the receiver lacks)
 *                       syncType 2 update: data is a Yjs update (a live change)
 *   awareness (1)   = varUint8Array(awareness update)
 *   auth (2)        = varUint(0 = permission denied) varString(reason)
 *   queryAwareness (3) = (empty)
 *
 * Numbers are lib0 variable-length unsigned integers; byte arrays are
 * length-prefixed with one.
 */
export const MessageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
} as const;

export const SyncMessageType = {
  step1: 0,
  step2: 1,
  update: 2,
} as const;

export const AuthMessageType = {
  permissionDenied: 0,
} as const;

/** A decoded message from a client. */
export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'auth'; reason: string };
