/**
 * The little a room needs from a client connection. Rooms never see a socket
 * library, so tests and other transports can stand in for a WebSocket.
 */
export interface WebSocketLike {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** One client connected to one room. */
export class Peer {
  /** Awareness client ids announced over this connection; removed when it closes so no ghost caret remains. */
  readonly awarenessClientIds = new Set<number>();

  constructor(
    /** Unique per server process, for logs. */
    readonly id: string,
    readonly socket: WebSocketLike,
    /** The client asked (`?saved=1`) to be told which state is durable; stock clients do not. */
    readonly wantsSavedState = false,
  ) {}
}
