import type { WebSocketLike } from '../rooms/Peer.js';

/** How a session ended: the close code and reason a WebSocket would have had. */
export interface SessionClose {
  code: number;
  reason: string;
}

/** What a reader (an SSE stream or a long poll) is handed: frames with their sequence numbers, or the close. */
export type SessionDelivery = { kind: 'frames'; frames: { seq: number; frame: Uint8Array }[] } | { kind: 'closed'; close: SessionClose };

export interface HttpSessionOptions {
  id: string;
  documentName: string;
  /** The client address and token it was opened with: only the same client may use it. */
  address: string;
  tokenFingerprint: string;
  /** Unsent frames past this close the session (the client stopped reading), as a WebSocket's buffer does. */
  maxQueuedBytes: number;
  /** Called when the session closes, for whatever reason, once. */
  onClose: (close: SessionClose) => void;
  /** Told of every frame queued for the client. */
  onSent?: (frame: Uint8Array) => void;
}

/**
 * One client of the HTTP fallback: a WebSocket as far as its room knows (`send`, `close`), whose
 * frames wait in a queue until the client fetches them, over a Server-Sent Events stream or by
 * long polling. Frames a stream sends are gone; frames a poll returns stay until the next poll
 * acknowledges them (`after`), so a poll lost on the way is answered again.
 */
export class HttpSession implements WebSocketLike {
  readonly id: string;
  readonly documentName: string;
  readonly address: string;
  readonly tokenFingerprint: string;
  /** When a reader last left or a message last arrived: with no reader, the session expires after its idle time. */
  lastActiveAt = Date.now();
  /** When the client last sent something: an event stream to a client that vanished looks alive, this does not. */
  lastHeardAt = Date.now();
  #queue: { seq: number; frame: Uint8Array }[] = [];
  #queuedBytes = 0;
  #nextSeq = 1;
  #closed: SessionClose | null = null;
  /** The one reader waiting for frames; a new reader replaces it (a reconnected stream, a retried poll). */
  #reader: ((delivery: SessionDelivery) => void) | null = null;
  readonly #options: HttpSessionOptions;

  constructor(options: HttpSessionOptions) {
    this.id = options.id;
    this.documentName = options.documentName;
    this.address = options.address;
    this.tokenFingerprint = options.tokenFingerprint;
    this.#options = options;
  }

  get closed(): SessionClose | null {
    return this.#closed;
  }

  /** Whether a stream or a poll is waiting on this session now (then it does not expire). */
  get hasReader(): boolean {
    return this.#reader !== null;
  }

  send(frame: Uint8Array): void {
    if (this.#closed) return;
    if (this.#queuedBytes + frame.byteLength > this.#options.maxQueuedBytes) {
      this.close(1008, 'the client does not fetch what it is sent');
      return;
    }
    this.#queue.push({ seq: this.#nextSeq, frame });
    this.#nextSeq += 1;
    this.#queuedBytes += frame.byteLength;
    this.#options.onSent?.(frame);
    this.#wakeReader();
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = { code, reason };
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#wakeReader();
    this.#options.onClose(this.#closed);
  }

  /**
   * Waits for frames after `after` (acknowledging, and dropping, those up to it) or the close, and
   * hands them to `deliver` once. Returns a function that cancels the wait (the reader went away).
   * A reader already waiting is answered with nothing and replaced.
   */
  read(after: number | 'all', deliver: (delivery: SessionDelivery) => void): () => void {
    if (after !== 'all') this.#acknowledge(after);
    const previous = this.#reader;
    this.#reader = null;
    previous?.({ kind: 'frames', frames: [] });
    const reader = (delivery: SessionDelivery) => {
      if (this.#reader === reader) this.#reader = null;
      this.lastActiveAt = Date.now();
      deliver(delivery);
    };
    this.#reader = reader;
    this.#wakeReader();
    return () => {
      if (this.#reader !== reader) return;
      this.#reader = null;
      this.lastActiveAt = Date.now();
    };
  }

  /** A stream delivers each frame once: what it was handed is not kept. */
  forget(frames: { seq: number }[]): void {
    const last = frames.at(-1);
    if (last) this.#acknowledge(last.seq);
  }

  #acknowledge(seq: number): void {
    let dropped = 0;
    while (dropped < this.#queue.length && this.#queue[dropped]!.seq <= seq) {
      this.#queuedBytes -= this.#queue[dropped]!.frame.byteLength;
      dropped += 1;
    }
    if (dropped > 0) this.#queue = this.#queue.slice(dropped);
  }

  #wakeReader(): void {
    const reader = this.#reader;
    if (!reader) return;
    if (this.#closed) reader({ kind: 'closed', close: this.#closed });
    else if (this.#queue.length > 0) reader({ kind: 'frames', frames: [...this.#queue] });
  }
}
