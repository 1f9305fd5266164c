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
 */
export class SaveScheduler {
  readonly #options: SaveSchedulerOptions;
  #dirty = false;
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
    return this.#dirty || this.#inFlight !== null;
  }

  /** Milliseconds since the oldest change not yet saved, or 0. */
  get unsavedAgeMs(): number {
    return this.#firstUnsavedAt === null ? 0 : Date.now() - this.#firstUnsavedAt;
  }

  /** Records that the state changed and (re)arms the save timer. */
  markDirty(): void {
    if (this.#closed) return;
    this.#dirty = true;
    this.#firstUnsavedAt ??= Date.now();
    if (this.#failures > 0) return; // the retry timer is armed and will pick this up
    const dueIn = Math.min(this.#options.debounceMs, this.#firstUnsavedAt + this.#options.maxWaitMs - Date.now());
    this.#arm(Math.max(0, dueIn));
  }

  /** Saves now if anything is pending and resolves once everything marked so far is written; rejects if that save fails. */
  async flush(): Promise<void> {
    while (this.hasUnsavedChanges) {
      this.#disarm();
      if (this.#inFlight) {
        // Wait for the running save without taking over its failure handling.
        await this.#inFlight.catch(() => undefined);
        continue;
      }
      await this.#run(true);
    }
  }

  /** Stops timers; pending changes are not written. Call `flush()` first. */
  close(): void {
    this.#closed = true;
    this.#disarm();
  }

  #arm(delayMs: number): void {
    this.#disarm();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (this.#inFlight) {
        // A save is running; try again right after it.
        this.#inFlight.finally(() => this.#dirty && !this.#closed && this.#arm(0)).catch(() => undefined);
        return;
      }
      this.#run(false).catch(() => undefined); // failures are reported through onError and retried
    }, delayMs);
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #run(rethrow: boolean): Promise<void> {
    if (!this.#dirty) return;
    this.#dirty = false;
    const startedWith = this.#firstUnsavedAt;
    this.#firstUnsavedAt = null;
    const saving = this.#options.save();
    this.#inFlight = saving;
    try {
      await saving;
      this.#failures = 0;
      if (!this.#dirty) this.#options.onSettled();
    } catch (error) {
      this.#failures += 1;
      this.#dirty = true;
      this.#firstUnsavedAt = Math.min(startedWith ?? Date.now(), this.#firstUnsavedAt ?? Date.now());
      this.#options.onError(error, this.#failures);
      if (!this.#closed) {
        const delay = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (this.#failures - 1));
        this.#arm(delay);
      }
      if (rethrow) throw error;
    } finally {
      this.#inFlight = null;
    }
  }
}
