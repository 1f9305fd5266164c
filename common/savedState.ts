/**
 * Tandem's one extension to the y-websocket protocol: the server tells a
 * client which changes are durably saved, by sending what is on disk after
 * every group commit and when the client joins, as an encoded Yjs snapshot
 * (`Y.encodeSnapshot`: state vector and delete set; deletions do not move
 * the state vector, so both are needed).
 *
 *   savedState (100) = varUint(100) varUint8Array(Y.encodeSnapshot(what is on disk))
 *
 * Only clients that connect with `?saved=1` receive it, so a stock client
 * never sees a message type it does not know.
 */
export const SAVED_STATE_MESSAGE_TYPE = 100;

/** Query parameter with which a client asks for saved-state messages. */
export const SAVED_STATE_QUERY_PARAMETER = 'saved';
