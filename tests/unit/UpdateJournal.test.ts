import { describe, expect, it } from 'vitest';
import { UpdateJournal } from '../../server/rooms/UpdateJournal.js';
import { waitFor } from '../support/waitFor.js';

/** A log whose writes the test completes or fails by hand, like a slow disk. */
function controlledLog() {
  const batches: number[][] = [];
  const written: number[] = [];
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  let counter = 0;
  const durable: number[] = [];
  const errors: unknown[] = [];
  const journal = new UpdateJournal({
    retryBaseMs: 5,
    retryMaxMs: 20,
    append: (updates) => {
      const batch = updates.map((update) => update[0]!);
      batches.push(batch);
      return new Promise<void>((resolve, reject) => waiting.push({ resolve: () => { written.push(...batch); resolve(); }, reject }));
    },
    // The "state" here is simply how many updates were pushed when the batch was taken.
    describeState: () => new Uint8Array([counter]),
    onDurable: (state) => durable.push(state[0]!),
    onSettled: () => undefined,
    onError: (error) => errors.push(error),
  });
  return {
    journal,
    batches,
    written,
    durable,
    errors,
    push(value: number) {
      counter += 1;
      journal.push(new Uint8Array([value]));
    },
    async completeNext() {
      await waitFor(() => waiting.length > 0, { description: 'a write to start' });
      waiting.shift()!.resolve();
    },
    async failNext() {
      await waitFor(() => waiting.length > 0, { description: 'a write to start' });
      waiting.shift()!.reject(new Error('disk full'));
    },
  };
}

describe('UpdateJournal (group commit)', () => {
  it('writes the first update at once and batches everything that arrives during that write', async () => {
    const log = controlledLog();
    log.push(1);
    await waitFor(() => log.batches.length === 1, { description: 'first write' });
    log.push(2);
    log.push(3);
    log.push(4);
    expect(log.batches).toEqual([[1]]); // one write in flight at a time
    await log.completeNext();
    await log.completeNext();
    expect(log.batches).toEqual([[1], [2, 3, 4]]);
    await waitFor(() => !log.journal.hasPending, { description: 'journal to drain' });
    // Each batch reports the state that is durable after it.
    expect(log.durable).toEqual([1, 4]);
  });

  it('updates pushed in the same tick share one write', async () => {
    const log = controlledLog();
    log.push(1);
    log.push(2);
    await log.completeNext();
    expect(log.batches).toEqual([[1, 2]]);
  });

  it('keeps a failed batch, in order, and retries it with what came since', async () => {
    const log = controlledLog();
    log.push(1);
    await log.failNext();
    log.push(2);
    await log.completeNext();
    await waitFor(() => !log.journal.hasPending, { description: 'journal to drain' });
    expect(log.written).toEqual([1, 2]);
    expect(log.errors).toHaveLength(1);
    expect(log.durable.at(-1)).toBe(2);
  });

  it('flush() resolves when everything pushed is durable, and rejects (keeping the updates) when the write fails', async () => {
    const log = controlledLog();
    log.push(1);
    const flushed = log.journal.flush();
    await log.failNext();
    await expect(flushed).rejects.toThrow('disk full');
    expect(log.journal.hasPending).toBe(true);
    const again = log.journal.flush();
    await log.completeNext();
    await again;
    expect(log.written).toEqual([1]);
    expect(log.journal.hasPending).toBe(false);
  });
});
