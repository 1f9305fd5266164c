export interface SaveSchedulerOptions {
  /** Save this long after the last change. */
  debounceMs: number;
  /** …but never later than this after the first unsaved change, even while changes keep coming. */
  maxWaitMs: number;
  /** First retry delay after a failed save; doubles per failure up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Writes the current state. Called at most once at a time. */
  save: () => Promise<void>;
  /** A save failed; the changes stay pending and a retry is scheduled. */
  onError: (error: unknown, failures: number) => void;
  /** Every change marked so far is saved. */
  onSettled: () => void;
}

/**
 * Decides when a room's state is written: debounced with a maximum wait,
 * one save at a time, failed saves retried with backoff. Knows nothing of
 * Yjs or storage; `save` does the work.
 *
 * Every `markDirty()` starts a new generation; a save covers the generation
 * that was current when it started. A save that ends with newer generations
 * pending schedules the next one itself, so no change waits for another edit.
 */
export class SaveScheduler {
  readonly #options: SaveSchedulerOptions;
  #generation = 0;
  #savedGeneration = 0;
  /** Start of the current max-wait window: the oldest change no save has started on. */
  #firstUnsavedAt: number | null = null;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #failures = 0;
  #closed = false;

  constructor(options: SaveSchedulerOptions) {
    this.#options = options;
  }

  /** True while some change has not been written successfully. */
  get hasUnsavedChanges(): boolean {
    return this.#savedGeneration < this.#generation || this.#inFlight !== null;
  }

  /** Records that the state changed and makes sure a save is on its way. */
  markDirty(): void {
    if (this.#closed) return;
    this.#generation += 1;
    this.#firstUnsavedAt ??= Date.now();
    if (this.#inFlight) return; // the running save schedules the next when it ends
    if (this.#failures > 0 && this.#timer) return; // keep the backoff of the pending retry
    this.#schedule();
  }

  /**
   * Saves now and resolves once every change marked before this call is
   * written (changes made meanwhile do not keep it waiting). Rejects if that
   * save fails; the changes stay pending and are retried.
   */
  async flush(): Promise<void> {
    const target = this.#generation;
    while (this.#savedGeneration < target && !this.#closed) {
      if (this.#inFlight) {
        // Its failure is reported through onError; the loop then saves again at once.
        await this.#inFlight.catch(() => undefined);
        continue;
      }
      this.#disarm();
      await this.#start();
    }
  }

  /** Stops timers; pending changes are not written. Call `flush()` first. */
  close(): void {
    this.#closed = true;
    this.#disarm();
  }

  #schedule(): void {
    const now = Date.now();
    const windowStart = this.#firstUnsavedAt ?? now;
    this.#arm(Math.max(0, Math.min(this.#options.debounceMs, windowStart + this.#options.maxWaitMs - now)));
  }

  #arm(delayMs: number): void {
    this.#disarm();
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#inFlight) return; // it reschedules when it ends
      // A failure is reported through onError and retried; nobody awaits this run.
      this.#start().catch(() => undefined);
    }, delayMs);
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #start(): Promise<void> {
    const running = this.#run();
    this.#inFlight = running;
    return running;
  }

  async #run(): Promise<void> {
    const generation = this.#generation;
    const windowStart = this.#firstUnsavedAt;
    this.#firstUnsavedAt = null;
    let failed = false;
    let failure: unknown;
    try {
      await this.#options.save();
    } catch (error) {
      failed = true;
      failure = error;
    }
    this.#inFlight = null;
    if (failed) {
      this.#failures += 1;
      const now = Date.now();
      this.#firstUnsavedAt = Math.min(windowStart ?? now, this.#firstUnsavedAt ?? now);
      this.#options.onError(failure, this.#failures);
      if (!this.#closed) this.#arm(Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (this.#failures - 1)));
      throw failure;
    }
    this.#failures = 0;
    this.#savedGeneration = Math.max(this.#savedGeneration, generation);
    if (this.#savedGeneration < this.#generation) {
      if (!this.#closed) this.#schedule();
    } else {
      this.#options.onSettled();
    }
  }
}
