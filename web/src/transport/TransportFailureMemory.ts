/** What can fail on the way to a server while plain HTTP works: the WebSocket, or an unbuffered event stream. */
export type FallibleTransport = 'websocket' | 'sse';

/**
 * Which transports failed lately, per server origin, so a reconnect goes straight to what works
 * instead of waiting for the same timeout again.
 */
export interface TransportFailureMemory {
  /** Whether `transport` failed towards `origin` within the memory's span. */
  failedRecently(origin: string, transport: FallibleTransport): boolean;
  /** Notes (again) that `transport` failed towards `origin` now. */
  remember(origin: string, transport: FallibleTransport): void;
  /** `transport` works towards `origin` (again). */
  forget(origin: string, transport: FallibleTransport): void;
}

export interface TransportFailureMemoryOptions {
  /** How long a failure is remembered, in ms. Default 10 minutes: long enough to cover a session, short enough to notice a network change. */
  forgetAfterMs?: number;
  /** The clock. Default `Date.now`. */
  now?: () => number;
}

/**
 * A `TransportFailureMemory` in a plain map: no timers, an old failure is simply read as forgotten.
 *
 * @example
 * const failures = createTransportFailureMemory();
 * failures.remember('https://docs.example.com', 'websocket');
 * failures.failedRecently('https://docs.example.com', 'websocket'); // true, for the next 10 minutes
 */
export function createTransportFailureMemory(options: TransportFailureMemoryOptions = {}): TransportFailureMemory {
  const forgetAfterMs = options.forgetAfterMs ?? 10 * 60_000;
  const now = options.now ?? Date.now;
  const failedAt = new Map<string, number>();
  const key = (origin: string, transport: FallibleTransport) => `${transport} ${origin}`;
  return {
    failedRecently(origin, transport) {
      const at = failedAt.get(key(origin, transport));
      if (at === undefined) return false;
      if (now() - at < forgetAfterMs) return true;
      failedAt.delete(key(origin, transport));
      return false;
    },
    remember(origin, transport) {
      failedAt.set(key(origin, transport), now());
    },
    forget(origin, transport) {
      failedAt.delete(key(origin, transport));
    },
  };
}
