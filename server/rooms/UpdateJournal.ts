export interface UpdateJournalOptions {
  /** Appends a batch durably (one write, one fsync). */
  append: (updates: Uint8Array[]) => Promise<void>;
  /** Describes the room's state now, which contains every update pushed so far (read as a batch is taken). */
  describeState: () => Uint8Array;
  /** A batch is durable; `state` (from `describeState`) is everything now on disk. */
  onDurable: (state: Uint8Array) => void;
  /** Every pushed update is durable and no write is running. */
  onSettled: () => void;
  /** A batch could not be written; it stays queued and is retried with backoff. */
  onError: (error: unknown, failures: number) => void;
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Group commit of a room's updates to its log. The first update starts a
 * write; updates that arrive while it is being fsynced form the next batch,
 * so the disk sees one write per fsync however fast people type, and nobody
 * waits for a timer. Knows nothing of Yjs or storage.
 */
export class UpdateJournal {
  readonly #options: UpdateJournalOptions;
  #pending: Uint8Array[] = [];
  /** Bytes pushed and not yet durable (pending plus the batch being written), and since when the oldest of them waits. */
  #unsavedBytes = 0;
  #pendingSince: number | null = null;
  #writingSince: number | null = null;
  #writing: Promise<boolean> | null = null;
  #startScheduled = false;
  #retryTimer: NodeJS.Timeout | null = null;
  #failures = 0;
  #lastError: unknown = null;
  #closed = false;

  constructor(options: UpdateJournalOptions) {
    this.#options = options;
  }

  /** True while some pushed update is not yet durable. */
  get hasPending(): boolean {
    return this.#pending.length > 0 || this.#writing !== null;
  }

  /** Bytes of pushed updates not yet durable. */
  get unsavedBytes(): number {
    return this.#unsavedBytes;
  }

  /** When the oldest update not yet durable was pushed (`Date.now()` time), or `null`. */
  get oldestUnsavedAt(): number | null {
    return this.#writingSince ?? this.#pendingSince;
  }

  /** Queues an update; it is written with the next batch. */
  push(update: Uint8Array): void {
    if (this.#closed) throw new Error('update journal is closed');
    this.#pending.push(update);
    this.#unsavedBytes += update.byteLength;
    this.#pendingSince ??= Date.now();
    if (this.#writing || this.#retryTimer || this.#startScheduled) return;
    // Start on the next microtask, so updates applied in the same tick share one write.
    this.#startScheduled = true;
    queueMicrotask(() => {
      this.#startScheduled = false;
      if (!this.#writing && !this.#retryTimer) void this.#start();
    });
  }

  /** Resolves once every update pushed before the call is durable; rejects if writing fails (they stay queued). */
  async flush(): Promise<void> {
    for (;;) {
      if (this.#writing) {
        await this.#writing;
        continue;
      }
      if (this.#pending.length === 0) return;
      if (this.#closed) throw new Error('update journal is closed with updates it did not write');
      this.#cancelRetry();
      if (!(await this.#start())) throw this.#lastError;
    }
  }

  /** Stops retries. Pending updates are not written: call `flush()` first. */
  close(): void {
    this.#closed = true;
    this.#cancelRetry();
  }

  #start(): Promise<boolean> {
    const writing = this.#drain().finally(() => {
      this.#writing = null;
      if (this.#pending.length === 0 && !this.#closed) this.#options.onSettled();
    });
    this.#writing = writing;
    return writing;
  }

  /** Writes batches until nothing is pending; resolves `false` (never rejects) when a write fails. */
  async #drain(): Promise<boolean> {
    // Closed: the room was dropped (its document deleted elsewhere); nothing more may reach the store.
    while (this.#pending.length > 0 && !this.#closed) {
      const batch = this.#pending;
      this.#pending = [];
      this.#writingSince = this.#pendingSince;
      this.#pendingSince = null;
      // Read now: it covers exactly this batch and everything before it.
      const state = this.#options.describeState();
      try {
        await this.#options.append(batch);
      } catch (error) {
        this.#pending = batch.concat(this.#pending);
        this.#pendingSince = this.#writingSince ?? this.#pendingSince;
        this.#writingSince = null;
        this.#failures += 1;
        this.#lastError = error;
        this.#options.onError(error, this.#failures);
        if (!this.#closed) this.#scheduleRetry();
        return false;
      }
      this.#failures = 0;
      this.#unsavedBytes -= batch.reduce((sum, update) => sum + update.byteLength, 0);
      this.#writingSince = null;
      this.#options.onDurable(state);
    }
    return true;
  }

  #scheduleRetry(): void {
    const delay = Math.min(this.#options.retryMaxMs, this.#options.retryBaseMs * 2 ** (this.#failures - 1));
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#writing) void this.#start();
    }, delay);
  }

  #cancelRetry(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }
}
