import type { Logger } from 'pino';
import { TokenBucket } from '../access/TokenBucket.js';
import type { ServerMetrics } from '../metrics/createServerMetrics.js';
import { CloseCode, closeReason } from './closeCodes.js';
import { Peer, type PeerOptions, type WebSocketLike } from './Peer.js';
import type { Room } from './Room.js';
import { ShuttingDownError, type RoomRegistry } from './RoomRegistry.js';

/** The longest delay `setTimeout` takes (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Frames a client may send before its document has loaded (the handshake is 2–3 frames). */
const MAX_FRAMES_WHILE_LOADING = 256;

/** Limits on what one connection may send. */
export interface ConnectionLimits {
  /** Bytes a client may send before its document has loaded; more closes it (a client's first sync step 2 can be a whole document). */
  maxPendingBytes: number;
  /** Sustained messages per second; 0 = no limit. */
  messagesPerSecond: number;
  /** Messages at once before the rate applies. */
  messageBurst: number;
  /** The first message must arrive within this time (a stock client sends sync step 1 at once). */
  handshakeTimeoutMs: number;
}

/**
 * Binds one client socket to the room of its document. Frames that arrive
 * while the document is still loading are kept and replayed in order; if the
 * load fails the client is closed with a reason and never sees an empty
 * document. Enforces the per-connection limits: the handshake deadline and
 * the message rate (both close with 1008, and stock clients retry later).
 */
export class PeerConnection {
  readonly peer: Peer;
  readonly #documentName: string;
  readonly #registry: RoomRegistry;
  readonly #logger: Logger;
  readonly #metrics: ServerMetrics;
  #room: Room | null = null;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  readonly #limits: ConnectionLimits;
  readonly #messageRate: TokenBucket | null;
  #handshakeTimer: NodeJS.Timeout | null;
  #expiryTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(options: {
    id: string;
    documentName: string;
    socket: WebSocketLike;
    registry: RoomRegistry;
    /** The connection's own logger: every line carries its id (`conn`) and document. */
    logger: Logger;
    metrics: ServerMetrics;
    limits: ConnectionLimits;
    /** What the peer may do and who it is (from its token and query). */
    peer: PeerOptions;
    /** When its access token expires: the connection is closed with 4401 then. */
    expiresAt?: Date | null;
  }) {
    this.peer = new Peer(options.id, options.socket, options.peer);
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#limits = options.limits;
    const { messagesPerSecond, messageBurst, handshakeTimeoutMs } = options.limits;
    this.#messageRate = messagesPerSecond > 0 ? new TokenBucket(messagesPerSecond, messageBurst) : null;
    this.#handshakeTimer = setTimeout(() => {
      this.#logger.info({ handshakeTimeoutMs }, 'closing peer that sent nothing');
      this.#metrics.error('handshake_timeout');
      this.#refuse(CloseCode.policyViolation, `no message within ${handshakeTimeoutMs} ms of connecting`);
    }, handshakeTimeoutMs);
    if (options.expiresAt) this.#closeAt(options.expiresAt);
    this.#documentName = options.documentName;
    this.#registry = options.registry;
  }

  /** Joins the room; resolves once the peer is in it or has been refused. */
  async start(): Promise<void> {
    let room: Room;
    try {
      room = await this.#registry.join(this.#documentName, this.peer);
    } catch (error) {
      if (error instanceof ShuttingDownError) {
        this.#refuse(CloseCode.serviceRestart, 'server is restarting; reconnect');
        return;
      }
      this.#logger.error({ err: error }, 'could not load document; refusing peer');
      this.#metrics.error('load_failed');
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
    this.#metrics.received(frame);
    this.#clearHandshakeTimer();
    if (this.#messageRate && !this.#messageRate.take()) {
      this.#logger.warn({ messagesPerSecond: this.#messageRate.perSecond }, 'closing peer over its message rate');
      this.#metrics.error('rate_limited');
      this.#refuse(CloseCode.policyViolation, `more than ${this.#messageRate.perSecond} messages per second`);
      return;
    }
    if (this.#room) {
      this.#room.receive(this.peer, frame);
      return;
    }
    if (this.#pending.length >= MAX_FRAMES_WHILE_LOADING || this.#pendingBytes + frame.byteLength > this.#limits.maxPendingBytes) {
      this.#logger.warn({ frames: this.#pending.length, bytes: this.#pendingBytes }, 'closing peer that sent too much before its document loaded');
      this.#metrics.error('bad_request');
      this.#refuse(CloseCode.badRequest, 'too much sent before the document was loaded');
      return;
    }
    this.#pending.push(frame);
    this.#pendingBytes += frame.byteLength;
  }

  /** A text frame: not part of the protocol. */
  receiveText(): void {
    this.#logger.warn('closing peer that sent a text frame');
    this.#metrics.error('bad_request');
    this.#refuse(CloseCode.badRequest, 'text frames are not part of the y-websocket protocol');
  }

  /** The socket closed, for whatever reason. */
  closed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearHandshakeTimer();
    if (this.#expiryTimer !== null) clearTimeout(this.#expiryTimer);
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#room?.removePeer(this.peer);
    this.#logger.debug('peer left');
  }

  /** Closes the connection when its token expires; long waits are taken in steps (timers overflow after 24.8 days). */
  #closeAt(expiresAt: Date): void {
    const remaining = expiresAt.getTime() - Date.now();
    this.#expiryTimer = setTimeout(
      () => {
        if (Date.now() < expiresAt.getTime()) {
          this.#closeAt(expiresAt);
          return;
        }
        this.#logger.info('closing peer whose access token expired');
        this.#refuse(CloseCode.unauthorized, 'access token expired');
      },
      Math.max(0, Math.min(remaining, MAX_TIMER_MS)),
    );
  }

  #clearHandshakeTimer(): void {
    if (this.#handshakeTimer === null) return;
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = null;
  }

  #refuse(code: number, reason: string): void {
    this.peer.socket.close(code, closeReason(reason));
    this.closed();
  }
}
