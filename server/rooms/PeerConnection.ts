import type { Logger } from 'pino';
import { CloseCode, closeReason } from './closeCodes.js';
import { Peer, type WebSocketLike } from './Peer.js';
import type { Room } from './Room.js';
import { ShuttingDownError, type RoomRegistry } from './RoomRegistry.js';

/** Frames a client may send before its document has loaded (the handshake is 2–3 frames). */
const MAX_FRAMES_WHILE_LOADING = 256;

/**
 * Binds one client socket to the room of its document. Frames that arrive
 * while the document is still loading are kept and replayed in order; if the
 * load fails the client is closed with a reason and never sees an empty
 * document.
 */
export class PeerConnection {
  readonly peer: Peer;
  readonly #documentName: string;
  readonly #registry: RoomRegistry;
  readonly #logger: Logger;
  #room: Room | null = null;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  readonly #maxPendingBytes: number;
  #closed = false;

  constructor(options: {
    id: string;
    documentName: string;
    socket: WebSocketLike;
    registry: RoomRegistry;
    logger: Logger;
    /** Bytes a client may send before its document has loaded; more closes it (a client's first sync step 2 can be a whole document). */
    maxPendingBytes: number;
    /** The client connected with `?saved=1`. */
    wantsSavedState: boolean;
  }) {
    this.peer = new Peer(options.id, options.socket, options.wantsSavedState);
    this.#maxPendingBytes = options.maxPendingBytes;
    this.#documentName = options.documentName;
    this.#registry = options.registry;
    this.#logger = options.logger.child({ peer: options.id, documentName: options.documentName });
  }

  /** Joins the room; resolves once the peer is in it or has been refused. */
  async start(): Promise<void> {
    let room: Room;
    try {
      room = await this.#registry.join(this.#documentName, this.peer);
    } catch (error) {
      if (error instanceof ShuttingDownError) {
        this.#refuse(CloseCode.serviceRestart, 'server is restarting');
        return;
      }
      this.#logger.error({ err: error }, 'could not load document; refusing peer');
      this.#refuse(CloseCode.internalError, `could not load document "${this.#documentName}"; try again later`);
      return;
    }
    if (this.#closed) {
      room.removePeer(this.peer);
      return;
    }
    this.#room = room;
    this.#logger.debug('peer joined');
    const pending = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    for (const frame of pending) room.receive(this.peer, frame);
  }

  /** A frame from the client. */
  receive(frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#room) {
      this.#room.receive(this.peer, frame);
      return;
    }
    if (this.#pending.length >= MAX_FRAMES_WHILE_LOADING || this.#pendingBytes + frame.byteLength > this.#maxPendingBytes) {
      this.#refuse(CloseCode.badRequest, 'too much sent before the document was loaded');
      return;
    }
    this.#pending.push(frame);
    this.#pendingBytes += frame.byteLength;
  }

  /** A text frame: not part of the protocol. */
  receiveText(): void {
    this.#logger.warn('closing peer that sent a text frame');
    this.#refuse(CloseCode.badRequest, 'text frames are not part of the y-websocket protocol');
  }

  /** The socket closed, for whatever reason. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#room?.removePeer(this.peer);
    this.#logger.debug('peer left');
  }

  #refuse(code: number, reason: string): void {
    this.peer.socket.close(code, closeReason(reason));
    this.closed();
  }
}
