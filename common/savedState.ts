/**
 * Tandem's one extension to the y-websocket protocol: the server tells a
 * client which changes are durably saved, by sending the state vector of
 * what is on disk after every group commit and when the client joins.
 *
 *   savedState (100) = varUint(100) varUint8Array(state vector on disk)
 *
 * Only clients that connect with `?saved=1` receive it, so a stock client
 * never sees a message type it does not know.
 */
export const SAVED_STATE_MESSAGE_TYPE = 100;

/** Query parameter with which a client asks for saved-state messages. */
export const SAVED_STATE_QUERY_PARAMETER = 'saved';
