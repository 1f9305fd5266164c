import { createHash, randomBytes } from 'node:crypto';
import { HttpSession, type SessionClose } from './HttpSession.js';

/** Why a request cannot use a session: it does not exist (or expired), or it belongs to another client. */
export type SessionLookup = { session: HttpSession } | { problem: 'not-found' | 'forbidden' };

export interface HttpSessionsOptions {
  /** A session nobody reads (no stream open, no poll waiting) for this long is closed, and its presence removed. */
  idleTimeoutMs: number;
  /** See `HttpSessionOptions.maxQueuedBytes`. */
  maxQueuedBytes: number;
  /** Told of every frame a session is sent (metrics count them as WebSocket frames are counted). */
  onSent?: (frame: Uint8Array) => void;
}

/** How long a closed session still answers with its close (a client fetching why it was closed), before it is forgotten. */
const CLOSED_KEPT_MS = 30_000;
/**
 * A session the client has sent nothing over for this long is closed even with its event stream
 * open: a client that vanished (a closed lid) leaves a stream TCP takes many minutes to notice.
 * Editors renew their presence every 15 s, so a live one is always heard from sooner.
 */
const SILENT_CLIENT_MS = 45_000;

/**
 * The HTTP fallback sessions of one server. Session ids are 256 random bits, and a session
 * answers only the client address and access token that opened it: an id that leaked (a log, a
 * proxy) is of no use to anyone else. Sessions that nobody reads expire.
 */
export class HttpSessions {
  readonly #sessions = new Map<string, HttpSession>();
  readonly #closedAt = new Map<string, number>();
  readonly #options: HttpSessionsOptions;
  readonly #sweeper: NodeJS.Timeout;

  constructor(options: HttpSessionsOptions) {
    this.#options = options;
    this.#sweeper = setInterval(() => this.#sweep(), Math.min(1000, options.idleTimeoutMs)).unref();
  }

  get size(): number {
    return this.#sessions.size - this.#closedAt.size;
  }

  /** A new session; `onClose` runs once when it closes (its peer leaves the room then). */
  open(input: { documentName: string; address: string; token: string | undefined; onClose: (close: SessionClose) => void }): HttpSession {
    const id = randomBytes(32).toString('base64url');
    const session = new HttpSession({
      id,
      documentName: input.documentName,
      address: input.address,
      tokenFingerprint: fingerprint(input.token),
      maxQueuedBytes: this.#options.maxQueuedBytes,
      ...(this.#options.onSent ? { onSent: this.#options.onSent } : {}),
      onClose: (close) => {
        this.#closedAt.set(id, Date.now());
        input.onClose(close);
      },
    });
    this.#sessions.set(id, session);
    return session;
  }

  /** The session `id` of `documentName`, if the request comes from the client that opened it. */
  find(id: string, request: { documentName: string; address: string; token: string | undefined }): SessionLookup {
    const session = this.#sessions.get(id);
    if (!session || session.documentName !== request.documentName) return { problem: 'not-found' };
    if (session.address !== request.address || session.tokenFingerprint !== fingerprint(request.token)) return { problem: 'forbidden' };
    return { session };
  }

  /** Closes every session (the server is stopping); their streams and polls are answered with the close. */
  closeAll(code: number, reason: string): void {
    for (const session of this.#sessions.values()) session.close(code, reason);
  }

  dispose(): void {
    clearInterval(this.#sweeper);
  }

  #sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.#sessions) {
      const closedAt = this.#closedAt.get(id);
      if (closedAt !== undefined) {
        if (now - closedAt > CLOSED_KEPT_MS) {
          this.#sessions.delete(id);
          this.#closedAt.delete(id);
        }
      } else if (!session.hasReader && now - session.lastActiveAt > this.#options.idleTimeoutMs) {
        // The client stopped polling: it is gone, and so must be its caret.
        session.close(1001, 'the HTTP session expired: nothing fetched it');
      } else if (now - session.lastHeardAt > Math.max(SILENT_CLIENT_MS, this.#options.idleTimeoutMs)) {
        session.close(1001, 'the HTTP session expired: nothing heard from the client');
      }
    }
  }
}

/** Tokens are compared by hash: the session keeps no token that could be read back. */
function fingerprint(token: string | undefined): string {
  return token === undefined ? '' : createHash('sha256').update(token).digest('base64url');
}
