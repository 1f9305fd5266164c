import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SaveScheduler, type SaveSchedulerOptions } from '../../server/rooms/SaveScheduler.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function scheduler(overrides: Partial<SaveSchedulerOptions> = {}) {
  const events = { saves: 0, concurrent: 0, maxConcurrent: 0, errors: 0, settled: 0 };
  let failuresLeft = 0;
  let saveDurationMs = 0;
  const saver = new SaveScheduler({
    debounceMs: 100,
    maxWaitMs: 500,
    retryBaseMs: 1000,
    retryMaxMs: 4000,
    save: async () => {
      events.concurrent += 1;
      events.maxConcurrent = Math.max(events.maxConcurrent, events.concurrent);
      try {
        if (saveDurationMs > 0) await new Promise((resolve) => setTimeout(resolve, saveDurationMs));
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('disk full');
        }
        events.saves += 1;
      } finally {
        events.concurrent -= 1;
      }
    },
    onError: () => (events.errors += 1),
    onSettled: () => (events.settled += 1),
    ...overrides,
  });
  return {
    saver,
    events,
    failNext: (count: number) => (failuresLeft = count),
    slowSaves: (ms: number) => (saveDurationMs = ms),
  };
}

describe('SaveScheduler', () => {
  it('saves once, debounce after the last change', async () => {
    const { saver, events } = scheduler();
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(50);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(99);
    expect(events.saves).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.saves).toBe(1);
    expect(events.settled).toBe(1);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('saves at least every maxWait while changes keep coming', async () => {
    const { saver, events } = scheduler();
    for (let elapsed = 0; elapsed < 2000; elapsed += 50) {
      saver.markDirty();
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(events.saves).toBeGreaterThanOrEqual(3);
    expect(events.saves).toBeLessThanOrEqual(5);
  });

  it('never runs two saves at once, and saves again for changes made during a save', async () => {
    const { saver, events, slowSaves } = scheduler();
    slowSaves(300);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(150); // save running
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(1000);
    expect(events.maxConcurrent).toBe(1);
    expect(events.saves).toBe(2);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('keeps changes pending after a failed save and retries with backoff until it works', async () => {
    const { saver, events, failNext } = scheduler();
    failNext(2);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(100);
    expect(events.errors).toBe(1);
    expect(saver.hasUnsavedChanges).toBe(true);
    await vi.advanceTimersByTimeAsync(999);
    expect(events.errors).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(events.errors).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(events.saves).toBe(1);
    expect(saver.hasUnsavedChanges).toBe(false);
    expect(events.settled).toBe(1);
  });

  it('flush() saves immediately and rejects when the save fails', async () => {
    const { saver, events, failNext } = scheduler();
    saver.markDirty();
    await saver.flush();
    expect(events.saves).toBe(1);
    failNext(1);
    saver.markDirty();
    await expect(saver.flush()).rejects.toThrow('disk full');
    expect(saver.hasUnsavedChanges).toBe(true);
    await saver.flush();
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('flush() waits for a save that is already running', async () => {
    const { saver, events, slowSaves } = scheduler();
    slowSaves(300);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(150);
    const flushed = saver.flush();
    await vi.advanceTimersByTimeAsync(300);
    await flushed;
    expect(events.saves).toBe(1);
    expect(events.maxConcurrent).toBe(1);
  });

  it('close() stops the timers', async () => {
    const { saver, events } = scheduler();
    saver.markDirty();
    saver.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(events.saves).toBe(0);
  });
});

describe('SaveScheduler under failures and continuous edits', () => {
  it('saves a change made while a retry save is running, without waiting for another edit', async () => {
    const { saver, events, failNext, slowSaves } = scheduler();
    failNext(1);
    slowSaves(200);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(100 + 200); // first save runs and fails
    expect(events.errors).toBe(1);
    await vi.advanceTimersByTimeAsync(1000 + 100); // the retry is running now
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(saver.hasUnsavedChanges).toBe(false);
    expect(events.saves).toBe(2);
  });

  it('backs off after a failure even when the failing save was started by a timer during another save', async () => {
    const { saver, events, failNext, slowSaves } = scheduler();
    slowSaves(300);
    saver.markDirty();
    await vi.advanceTimersByTimeAsync(150); // save 1 running
    saver.markDirty(); // due in 100 ms, while save 1 still runs
    failNext(1);
    await vi.advanceTimersByTimeAsync(251); // save 1 (100 → 400 ms) fails: it consumed failNext
    const errorsAfterFirst = events.errors;
    expect(errorsAfterFirst).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    // Within the 1 s backoff nothing is retried.
    expect(events.errors + events.saves).toBe(errorsAfterFirst);
    await vi.advanceTimersByTimeAsync(2000);
    expect(saver.hasUnsavedChanges).toBe(false);
  });

  it('flush() resolves once the changes made before it are saved, even while edits keep coming', async () => {
    const { saver, slowSaves } = scheduler();
    slowSaves(50);
    saver.markDirty();
    let flushed = false;
    const flushing = saver.flush().then(() => (flushed = true));
    for (let step = 0; step < 20 && !flushed; step += 1) {
      saver.markDirty();
      await vi.advanceTimersByTimeAsync(10);
    }
    await flushing;
    expect(flushed).toBe(true);
    expect(saver.hasUnsavedChanges).toBe(true); // the later edits are still on their way
  });
});
