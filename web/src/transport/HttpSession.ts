import { fromBase64 } from 'lib0/buffer';
import { decodeFrameBatch, encodeFrameBatch } from '../../../common/frameBatch.js';
import { closeForRefusal, type TransportClose } from './closeForRefusal.js';
import { httpRequestUrl } from './httpBaseFor.js';
import { readEventStream } from './readEventStream.js';
import { TransportCloseCode } from './TransportCloseCode.js';

/** The response header naming the sequence number of the last frame in a poll answer. */
const SEQUENCE_HEADER = 'X-Tandem-Seq';
/**
 * A poll the server answered empty sooner than this was not held open (a proxy in the way
 * answering for it): the next one waits as long, so the loop cannot spin.
 */
const QUICK_EMPTY_POLL_MS = 1000;

export interface HttpSessionOptions {
  /** The HTTP fallback's address for the document, with the connection's query (see `httpBaseFor`). */
  base: URL;
  fetch: typeof fetch;
  /** Receive by long polling from the start: an event stream to this server was held back by a proxy before. */
  poll: boolean;
  /** How long the event stream may take to deliver its `open` event before long polling takes over. */
  sseOpenTimeoutMs: number;
  /** The session can carry messages both ways now, over this transport. Called at most once. */
  onOpen(transport: 'http-sse' | 'http-poll'): void;
  /** One y-websocket frame from the server. */
  onFrame(frame: Uint8Array): void;
  /**
   * The session is over without `close()`: the server closed or refused it (with its close code), or it
   * was lost (`TransportCloseCode.lost`). Called at most once; nothing is called after it.
   */
  onEnd(close: TransportClose): void;
}

/**
 * One session of the server's HTTP fallback, carrying y-websocket frames: created with a POST,
 * the server's frames received over Server-Sent Events (or by long polling where a proxy buffers
 * the stream: the `open` event does not arrive within `sseOpenTimeoutMs`), the client's frames
 * POSTed in order, one request at a time, with frames queued meanwhile batched into the next.
 *
 * Switching from the event stream to polling starts a new session, so no frame the server already
 * wrote into the buffered stream is missing from what the polls deliver.
 *
 * @example
 * const session = new HttpSession({ base, fetch, poll: false, sseOpenTimeoutMs: 3000, onOpen, onFrame, onEnd });
 * session.start();
 * session.send(frame); // once open
 * session.close(); // sends what is queued, then ends the session on the server
 */
export class HttpSession {
  readonly #options: HttpSessionOptions;
  /** `closing`: `close()` was called; queued frames still go out, then the session is deleted. */
  #state: 'running' | 'closing' | 'ended' = 'running';
  #id: string | null = null;
  /** Aborts the pending event stream or poll. */
  #receiving: AbortController | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #queue: Uint8Array[] = [];
  #sending = false;
  #opened = false;

  constructor(options: HttpSessionOptions) {
    this.#options = options;
  }

  /** Creates the session and starts receiving. */
  start(): void {
    this.#run().catch((error: unknown) => this.#end({ code: TransportCloseCode.lost, reason: `the HTTP fallback failed: ${describe(error)}` }));
  }

  /** Queues a frame for the server; frames go out in order. */
  send(frame: Uint8Array): void {
    if (this.#state !== 'running') return;
    this.#queue.push(frame);
    void this.#flush();
  }

  /** Stops receiving, sends what is queued, then deletes the session on the server. No callback is called any more. */
  close(): void {
    if (this.#state !== 'running') return;
    this.#state = 'closing';
    this.#stopReceiving();
    if (!this.#sending) this.#finishClosing();
  }

  async #run(): Promise<void> {
    let id = await this.#create();
    if (id === null) return;
    if (!this.#options.poll) {
      if ((await this.#receiveEvents(id)) === 'done') return;
      // Held back by a proxy: frames written to that stream may never arrive, so start afresh.
      this.#deleteSession(id);
      id = await this.#create();
      if (id === null) return;
    }
    this.#open('http-poll');
    await this.#poll(id);
  }

  /** POSTs a new session; its id, or `null` once the session ended (refused, unreachable, closed meanwhile). */
  async #create(): Promise<string | null> {
    this.#id = null;
    let response: Response;
    try {
      response = await this.#options.fetch(httpRequestUrl(this.#options.base), { method: 'POST', cache: 'no-store' });
    } catch (error) {
      this.#end({ code: TransportCloseCode.lost, reason: `the server could not be reached over HTTP: ${describe(error)}` });
      return null;
    }
    if (response.status !== 201) {
      this.#end(await closeForRefusal(response, false));
      return null;
    }
    const body: unknown = await response.json();
    const id = typeof body === 'object' && body !== null && 'session' in body && typeof body.session === 'string' ? body.session : null;
    if (id === null) throw new TypeError(`the new session has no id: ${JSON.stringify(body)}`);
    if (this.#state !== 'running') {
      // Closed while the server was creating it.
      this.#deleteSession(id);
      return null;
    }
    this.#id = id;
    return id;
  }

  /** Receives over Server-Sent Events until the session ends (`done`) or the stream turns out buffered. */
  async #receiveEvents(id: string): Promise<'done' | 'buffered'> {
    const receiving = new AbortController();
    this.#receiving = receiving;
    let closed: TransportClose | null = null;
    this.#timer = setTimeout(() => receiving.abort(), this.#options.sseOpenTimeoutMs);
    const onFirstEvent = () => {
      clearTimeout(this.#timer);
      this.#open('http-sse');
    };
    try {
      const response = await this.#options.fetch(httpRequestUrl(this.#options.base, [id, 'events']), {
        headers: { accept: 'text/event-stream' },
        cache: 'no-store',
        signal: receiving.signal,
      });
      if (!response.ok) {
        clearTimeout(this.#timer);
        this.#end(await closeForRefusal(response, true));
        return 'done';
      }
      if (!response.body) return 'buffered';
      await readEventStream(response.body, (event) => {
        if (this.#state !== 'running') return;
        if (event.type === 'close') {
          closed = readCloseEvent(event.data);
          return;
        }
        if (!this.#opened) onFirstEvent();
        if (event.type === 'message') this.#options.onFrame(fromBase64(event.data));
      });
    } catch (error) {
      if (this.#state !== 'running') return 'done';
      // Not open in time (aborted above), or failed before it opened: a proxy in the way; polling may get through.
      if (!this.#opened) return 'buffered';
      this.#end({ code: TransportCloseCode.lost, reason: `the event stream failed: ${describe(error)}` });
      return 'done';
    } finally {
      clearTimeout(this.#timer);
    }
    if (!this.#opened && closed === null) return 'buffered';
    this.#end(closed ?? { code: TransportCloseCode.lost, reason: 'the event stream ended' });
    return 'done';
  }

  /** Receives by long polling until the session ends. */
  async #poll(id: string): Promise<void> {
    let after = '0';
    while (this.#state === 'running') {
      const receiving = new AbortController();
      this.#receiving = receiving;
      const startedAt = Date.now();
      let response: Response;
      let body: Uint8Array;
      try {
        response = await this.#options.fetch(httpRequestUrl(this.#options.base, [id, 'poll'], { after }), { cache: 'no-store', signal: receiving.signal });
        if (response.status !== 200) {
          this.#end(await closeForRefusal(response, true));
          return;
        }
        body = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        this.#end({ code: TransportCloseCode.lost, reason: `polling failed: ${describe(error)}` });
        return;
      }
      const frames = decodeFrameBatch(body);
      const sequence = response.headers.get(SEQUENCE_HEADER);
      if (sequence !== null) after = sequence;
      // Without it nothing is acknowledged and every poll would bring the same frames again.
      else if (frames.length > 0) throw new TypeError(`a poll answer without ${SEQUENCE_HEADER} (a cross-origin server must expose it)`);
      for (const frame of frames) {
        if (this.#state !== 'running') return;
        this.#options.onFrame(frame);
      }
      if (frames.length === 0 && Date.now() - startedAt < QUICK_EMPTY_POLL_MS) {
        await new Promise((resolve) => (this.#timer = setTimeout(resolve, QUICK_EMPTY_POLL_MS)));
      }
    }
  }

  /** POSTs the queued frames, one request at a time, until the queue is empty. */
  async #flush(): Promise<void> {
    if (this.#sending || !this.#opened || this.#id === null) return;
    const id = this.#id;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && this.#state !== 'ended') {
        const batch = encodeFrameBatch(takeBatch(this.#queue));
        let response: Response;
        try {
          response = await this.#options.fetch(httpRequestUrl(this.#options.base, [id, 'messages']), {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream' },
            body: batch as Uint8Array<ArrayBuffer>,
            cache: 'no-store',
          });
        } catch (error) {
          this.#end({ code: TransportCloseCode.lost, reason: `sending failed: ${describe(error)}` });
          return;
        }
        if (!response.ok) {
          this.#end(await closeForRefusal(response, true));
          return;
        }
      }
    } catch (error) {
      this.#end({ code: TransportCloseCode.lost, reason: `sending failed: ${describe(error)}` });
    } finally {
      this.#sending = false;
      if (this.#state === 'closing') this.#finishClosing();
    }
  }

  #open(transport: 'http-sse' | 'http-poll'): void {
    if (this.#opened || this.#state !== 'running') return;
    this.#opened = true;
    this.#options.onOpen(transport);
    void this.#flush();
  }

  /** The session is over on its own: tells the owner once, unless `close()` came first. */
  #end(close: TransportClose): void {
    if (this.#state !== 'running') {
      // A failure while closing only means the queue cannot be sent: finish without it.
      if (this.#state === 'closing') this.#queue.length = 0;
      return;
    }
    this.#state = 'ended';
    this.#stopReceiving();
    this.#queue.length = 0;
    // Lost on our side, it may still be alive on the server's: let it go at once rather than by idle timeout.
    if (close.code === TransportCloseCode.lost && this.#id !== null) this.#deleteSession(this.#id);
    this.#options.onEnd(close);
  }

  #finishClosing(): void {
    this.#state = 'ended';
    if (this.#id !== null) this.#deleteSession(this.#id);
  }

  #stopReceiving(): void {
    clearTimeout(this.#timer);
    this.#receiving?.abort();
    this.#receiving = null;
  }

  /**
   * Ends a session on the server, fire and forget: one that is left expires after its idle timeout
   * anyway, so a failure (the server or network already gone) is only worth a debug line.
   */
  #deleteSession(id: string): void {
    this.#options
      // keepalive: a page being closed still gets the request out.
      .fetch(httpRequestUrl(this.#options.base, [id]), { method: 'DELETE', keepalive: true })
      .catch((error: unknown) => console.debug(`Tandem: ending HTTP session ${id} failed; the server drops it when idle`, error));
  }
}

/** The data of an `event: close`: `{"code":number,"reason":string}`. */
function readCloseEvent(data: string): TransportClose {
  const parsed: unknown = JSON.parse(data);
  if (typeof parsed === 'object' && parsed !== null && 'code' in parsed && Number.isInteger(parsed.code)) {
    return { code: parsed.code as number, reason: 'reason' in parsed && typeof parsed.reason === 'string' ? parsed.reason : '' };
  }
  throw new TypeError(`an unreadable close event: ${data}`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Bytes of frames one POST carries at most (a frame larger than this goes alone): the server takes
 * two messages at its limit per POST, and many frames queued during one slow POST must not add up past that.
 */
const MAX_BATCH_BYTES = 64 * 1024;

/** Removes and returns the frames at the head of `queue` that fit in one POST (always at least one). */
function takeBatch(queue: Uint8Array[]): Uint8Array[] {
  let bytes = 0;
  let count = 0;
  while (count < queue.length && (count === 0 || bytes + queue[count]!.byteLength <= MAX_BATCH_BYTES)) {
    bytes += queue[count]!.byteLength;
    count += 1;
  }
  return queue.splice(0, count);
}
