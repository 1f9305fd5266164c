/**
 * A token bucket: `capacity` tokens at once, refilled at `perSecond`.
 * Synchronous on purpose: it runs for every WebSocket message, in order, and
 * a library's promise per message would reorder nothing but cost an
 * allocation and a microtask each.
 */
export class TokenBucket {
  #tokens: number;
  #updatedAt: number;

  constructor(
    readonly perSecond: number,
    readonly capacity: number,
    private readonly now: () => number = performance.now.bind(performance),
  ) {
    this.#tokens = capacity;
    this.#updatedAt = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.perSecond);
    this.#updatedAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
