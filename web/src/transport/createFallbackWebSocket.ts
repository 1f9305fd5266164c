import { HttpSession } from './HttpSession.js';
import { httpBaseFor } from './httpBaseFor.js';
import { probeWebSocket, type WebSocketProbe } from './probeWebSocket.js';
import type { Transport } from './Transport.js';
import { TransportCloseCode } from './TransportCloseCode.js';
import { createTransportFailureMemory } from './TransportFailureMemory.js';

export interface FallbackWebSocketOptions {
  /** The WebSocket to try first. Default: `globalThis.WebSocket`, read when a socket is created (in Node 20, pass `ws`). */
  WebSocket?: typeof WebSocket;
  /** Default: `globalThis.fetch`, read when a request is made. */
  fetch?: typeof fetch;
  /**
   * How long a WebSocket may take, from the attempt, to carry the server's first message before the
   * HTTP fallback takes over (a proxy that lets it open but carries nothing). Default 5000 ms.
   */
  webSocketTimeoutMs?: number;
  /** How long the event stream may take to prove a proxy does not buffer it before long polling takes over. Default 3000 ms. */
  sseOpenTimeoutMs?: number;
  /** While on HTTP, how often to try a WebSocket again. Default 30000 ms. */
  probeIntervalMs?: number;
  /** Called whenever a socket opens, with the transport it travels on. */
  onTransport?: (transport: Transport) => void;
}

/** What a fallback socket hands `onmessage`: the frame as an `ArrayBuffer` (a string only for a text frame on a WebSocket). */
export interface FallbackMessageEvent {
  type: 'message';
  data: ArrayBuffer | string;
}

/** What a fallback socket hands `onclose`: the close code and reason, as from a WebSocket. */
export interface FallbackCloseEvent {
  type: 'close';
  code: number;
  reason: string;
  wasClean: boolean;
}

/** The WebSocket surface a fallback socket has: what y-websocket's `WebsocketProvider` uses. */
export interface FallbackWebSocket {
  readonly url: string;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
  readonly readyState: 0 | 1 | 2 | 3;
  /** Accepted for compatibility; frames are always delivered as `ArrayBuffer`. */
  binaryType: BinaryType;
  /** The transport this socket opened on, `null` while connecting. */
  readonly transport: Transport | null;
  onopen: ((event: { type: 'open' }) => void) | null;
  onmessage: ((event: FallbackMessageEvent) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: FallbackCloseEvent) => void) | null;
  send(data: ArrayBufferLike | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

export interface FallbackWebSocketClass {
  new (url: string, protocols?: string | string[]): FallbackWebSocket;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/**
 * Close codes that are the server's answer, not a proxy's doing: the application's own (3000–4999,
 * e.g. 4401) and the RFC 6455 codes a server sends on purpose. A WebSocket closed with one of these
 * works; the answer is passed on.
 */
function isServerAnswer(code: number): boolean {
  return (code >= 3000 && code <= 4999) || code === 1008 || code === 1009 || code === 1011 || code === 1012 || code === 1013;
}

/**
 * A WebSocket class for y-websocket's `WebSocketPolyfill` that gets through proxies and firewalls
 * which block WebSockets. Each socket tries a real WebSocket first; if that is refused, closes before
 * the server said anything, or carries no message within `webSocketTimeoutMs`, the same socket
 * carries on over the server's HTTP fallback (`/http/<documentName>` beside `/ws/<documentName>`):
 * Server-Sent Events, or long polling where a proxy buffers them, for the server's messages, and
 * POSTs for its own. y-websocket just sees `onopen` a little later and keeps its own sync and
 * awareness logic. Refusals arrive as the close code the server would have used on the WebSocket.
 *
 * Once a WebSocket failed where HTTP worked, later sockets of this class to that server go straight
 * to HTTP (for ten minutes, or until WebSockets work again), so reconnects wait for no timeout.
 * While on HTTP, a socket tries a WebSocket every `probeIntervalMs`; when one carries a message, it
 * closes with `TransportCloseCode.switchingToWebSocket` (3000, not permanent) and y-websocket
 * reconnects, over a WebSocket. A URL not ending in `/ws/<documentName>` has no HTTP fallback: the
 * socket is then a plain WebSocket.
 *
 * Works in browsers and in Node 20 (pass `WebSocket: ws`; Node's `fetch` streams the events).
 *
 * @example
 * const provider = new WebsocketProvider('wss://docs.example.com/ws', 'meeting-notes', ydoc, {
 *   WebSocketPolyfill: createFallbackWebSocket({ onTransport: (transport) => console.log(transport) }) as unknown as typeof WebSocket,
 * });
 * // In Node: createFallbackWebSocket({ WebSocket: ws as unknown as typeof WebSocket })
 */
export function createFallbackWebSocket(options: FallbackWebSocketOptions = {}): FallbackWebSocketClass {
  const webSocketTimeoutMs = options.webSocketTimeoutMs ?? 5000;
  const sseOpenTimeoutMs = options.sseOpenTimeoutMs ?? 3000;
  const probeIntervalMs = options.probeIntervalMs ?? 30_000;
  // One memory per class: every reconnect of one provider shares it, and nothing outlives its owner.
  const failures = createTransportFailureMemory();
  const fetchOver: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  return class FallbackWebSocketImpl implements FallbackWebSocket {
    static readonly CONNECTING = CONNECTING;
    static readonly OPEN = OPEN;
    static readonly CLOSING = CLOSING;
    static readonly CLOSED = CLOSED;
    readonly CONNECTING = CONNECTING;
    readonly OPEN = OPEN;
    readonly CLOSING = CLOSING;
    readonly CLOSED = CLOSED;

    readonly url: string;
    binaryType: BinaryType = 'arraybuffer';
    onopen: FallbackWebSocket['onopen'] = null;
    onmessage: FallbackWebSocket['onmessage'] = null;
    onerror: FallbackWebSocket['onerror'] = null;
    onclose: FallbackWebSocket['onclose'] = null;

    #readyState: 0 | 1 | 2 | 3 = CONNECTING;
    #transport: Transport | null = null;
    readonly #protocols: string | string[] | undefined;
    readonly #WebSocket: typeof WebSocket;
    /** The HTTP fallback's address, `null` when the URL has none. */
    readonly #base: URL | null;
    /** Key of the failure memory: the server's HTTP origin. */
    readonly #origin: string;
    /** The real WebSocket, while one is tried or in use. */
    #socket: WebSocket | null = null;
    #session: HttpSession | null = null;
    /** A WebSocket failed on this socket's way: if HTTP works, that is worth remembering. */
    #webSocketFailed = false;
    #timer: ReturnType<typeof setTimeout> | undefined;
    #probe: WebSocketProbe | null = null;

    constructor(url: string, protocols?: string | string[]) {
      const WebSocketClass = options.WebSocket ?? (globalThis.WebSocket as typeof WebSocket | undefined);
      if (!WebSocketClass) throw new TypeError('createFallbackWebSocket: this runtime has no WebSocket; pass options.WebSocket (in Node 20, the ws package)');
      this.url = url;
      this.#protocols = protocols;
      this.#WebSocket = WebSocketClass;
      this.#base = httpBaseFor(url);
      this.#origin = this.#base?.origin ?? '';
      if (this.#base === null) this.#useWebSocket();
      else if (failures.failedRecently(this.#origin, 'websocket')) this.#useHttp(this.#base);
      else this.#tryWebSocket(this.#base);
    }

    get readyState(): 0 | 1 | 2 | 3 {
      return this.#readyState;
    }

    get transport(): Transport | null {
      return this.#transport;
    }

    send(data: ArrayBufferLike | ArrayBufferView): void {
      if (this.#readyState === CONNECTING) throw new DOMException('send() before the socket is open', 'InvalidStateError');
      // Like a WebSocket, a closing or closed socket drops what it is given.
      if (this.#readyState !== OPEN) return;
      if (this.#socket) {
        this.#socket.send(data);
        return;
      }
      // A copy: the caller may reuse its buffer once send() returns, and the frame waits in a queue.
      const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      this.#session?.send(bytes.slice());
    }

    close(code?: number, reason?: string): void {
      if (this.#readyState === CLOSING || this.#readyState === CLOSED) return;
      const open = this.#readyState === OPEN;
      this.#readyState = CLOSING;
      this.#stopBackgroundWork();
      const socket = this.#socket;
      if (socket && open) {
        // An open WebSocket closes its own way; its close event is passed on (see #useWebSocket).
        socket.close(code, reason);
        return;
      }
      if (socket) this.#dropWebSocket(socket);
      this.#session?.close();
      this.#session = null;
      // Like a WebSocket, the close event comes after close() returns.
      queueMicrotask(() => this.#closed({ code: code ?? 1005, reason: reason ?? '', wasClean: true }));
    }

    /** A plain WebSocket, every event passed on: there is nothing to fall back to. */
    #useWebSocket(): void {
      const socket = this.#openWebSocket();
      socket.onopen = () => this.#opened('websocket');
      socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => dispatch(this, this.onmessage, { type: 'message', data: event.data });
      socket.onerror = (event) => dispatch(this, this.onerror, event);
      socket.onclose = (event) => this.#closed(event);
    }

    /**
     * A WebSocket on trial: it counts as open once the server's first message arrives (y-websocket
     * then gets `onopen` and that message). Refused, closed without an answer from the server, or
     * silent for `webSocketTimeoutMs`: HTTP takes over.
     */
    #tryWebSocket(base: URL): void {
      const socket = this.#openWebSocket();
      let heard = false;
      this.#timer = setTimeout(() => this.#fallBack(socket, base), webSocketTimeoutMs);
      socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
        if (!heard) {
          heard = true;
          clearTimeout(this.#timer);
          this.#opened('websocket');
        }
        dispatch(this, this.onmessage, { type: 'message', data: event.data });
      };
      // Before the first message an error only announces the close, which decides.
      socket.onerror = (event) => {
        if (heard) dispatch(this, this.onerror, event);
      };
      socket.onclose = (event) => {
        if (heard || isServerAnswer(event.code)) this.#closed(event);
        else this.#fallBack(socket, base);
      };
    }

    #openWebSocket(): WebSocket {
      const socket = new this.#WebSocket(this.url, this.#protocols);
      socket.binaryType = 'arraybuffer';
      this.#socket = socket;
      return socket;
    }

    #fallBack(socket: WebSocket, base: URL): void {
      if (this.#socket !== socket || this.#readyState !== CONNECTING) return;
      clearTimeout(this.#timer);
      this.#dropWebSocket(socket);
      this.#webSocketFailed = true;
      this.#useHttp(base);
    }

    #dropWebSocket(socket: WebSocket): void {
      if (this.#socket === socket) this.#socket = null;
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      // Closing a socket that is still connecting reports an error; in Node one without a listener is thrown.
      socket.onerror = () => undefined;
      socket.close();
    }

    /**
     * Closing the page ends the HTTP session at once, so the others see this editor leave, as they
     * do when a closing page drops its WebSocket (an abandoned session would linger until it expires).
     */
    readonly #onPageHide = (): void => {
      if (!this.#session) return;
      this.#session.close();
      this.#session = null;
      this.#closed({ code: TransportCloseCode.lost, reason: 'the page was closed', wasClean: false });
    };

    #useHttp(base: URL): void {
      if (typeof globalThis.addEventListener === 'function') globalThis.addEventListener('pagehide', this.#onPageHide);
      const session = new HttpSession({
        base,
        fetch: fetchOver,
        poll: failures.failedRecently(this.#origin, 'sse'),
        sseOpenTimeoutMs,
        onOpen: (transport) => {
          // Only now is the WebSocket known to be the problem, not the server being down.
          if (this.#webSocketFailed) failures.remember(this.#origin, 'websocket');
          if (transport === 'http-poll') failures.remember(this.#origin, 'sse');
          else failures.forget(this.#origin, 'sse');
          this.#opened(transport);
          this.#scheduleProbe(base);
        },
        onFrame: (frame) => dispatch(this, this.onmessage, { type: 'message', data: new Uint8Array(frame).buffer }),
        onEnd: (close) => {
          this.#session = null;
          this.#closed({ ...close, wasClean: false });
        },
      });
      this.#session = session;
      session.start();
    }

    /** While on HTTP: tries a WebSocket after `probeIntervalMs`, and again after every failure. */
    #scheduleProbe(base: URL): void {
      this.#timer = setTimeout(() => {
        this.#probe = probeWebSocket({ WebSocket: this.#WebSocket, url: this.url, protocols: this.#protocols, timeoutMs: webSocketTimeoutMs }, (works) => {
          this.#probe = null;
          if (this.#readyState !== OPEN) return;
          if (!works) {
            failures.remember(this.#origin, 'websocket');
            this.#scheduleProbe(base);
            return;
          }
          failures.forget(this.#origin, 'websocket');
          this.#session?.close();
          this.#session = null;
          this.#closed({ code: TransportCloseCode.switchingToWebSocket, reason: 'switching to WebSocket', wasClean: true });
        });
      }, probeIntervalMs);
    }

    #opened(transport: Transport): void {
      if (this.#readyState !== CONNECTING) return;
      this.#readyState = OPEN;
      this.#transport = transport;
      options.onTransport?.(transport);
      dispatch(this, this.onopen, { type: 'open' });
    }

    #closed(event: { code: number; reason: string; wasClean: boolean }): void {
      if (this.#readyState === CLOSED) return;
      this.#readyState = CLOSED;
      this.#stopBackgroundWork();
      this.#socket = null;
      dispatch(this, this.onclose, { type: 'close', code: event.code, reason: event.reason, wasClean: event.wasClean });
    }

    /** Stops everything that could act later: timers, the probe, the page listener. */
    #stopBackgroundWork(): void {
      clearTimeout(this.#timer);
      this.#probe?.cancel();
      this.#probe = null;
      if (typeof globalThis.removeEventListener === 'function') globalThis.removeEventListener('pagehide', this.#onPageHide);
    }
  };
}

/**
 * Calls an event handler as a WebSocket would: an exception in it is reported as uncaught, and
 * does not break the socket.
 */
function dispatch<E>(target: FallbackWebSocket, handler: ((event: E) => void) | null, event: E): void {
  if (!handler) return;
  try {
    handler.call(target, event);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
