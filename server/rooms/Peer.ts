import type { PeerIdentity } from '../access/AccessGrant.js';

/**
 * The little a room needs from a client connection. Rooms never see a socket
 * library, so tests and other transports can stand in for a WebSocket.
 */
export interface WebSocketLike {
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
}

export interface PeerOptions {
  /** The client asked (`?saved=1`) to be told which state is durable; stock clients do not. Default false. */
  wantsSavedState?: boolean;
  /** The peer receives every change, but its own document changes are dropped. Default false. */
  readOnly?: boolean;
  /** Stamped into the peer's presence, whatever its client claims; `null` (open servers) leaves presence as sent. */
  identity?: PeerIdentity | null;
}

/** One client connected to one room. */
export class Peer {
  /** Awareness client ids announced over this connection; removed when it closes so no ghost caret remains. */
  readonly awarenessClientIds = new Set<number>();
  /** Every awareness client id this connection introduced (bounded), so their records can be freed when it closes. */
  readonly introducedAwarenessIds = new Set<number>();
  readonly wantsSavedState: boolean;
  readonly readOnly: boolean;
  readonly identity: PeerIdentity | null;
  /** Document changes dropped because the peer is read-only (logged once, then counted). */
  droppedUpdates = 0;

  constructor(
    /** Unique per server process, for logs. */
    readonly id: string,
    readonly socket: WebSocketLike,
    options: PeerOptions = {},
  ) {
    this.wantsSavedState = options.wantsSavedState ?? false;
    this.readOnly = options.readOnly ?? false;
    this.identity = options.identity ?? null;
  }

  /**
   * Whether two connections are the same person with the same rights, so one may take over the
   * other's presence (a client that reconnected before its old connection timed out). On open
   * servers nobody has an identity, and any reconnecting client may.
   */
  isSamePersonAs(other: Peer): boolean {
    return this.identity?.name === other.identity?.name && this.identity?.color === other.identity?.color && this.readOnly === other.readOnly;
  }
}
