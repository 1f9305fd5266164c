/**
 * Calls `write(index)` `total` times at `perSecond`, catching up after any
 * stall so the average rate holds (an open-loop load: a slow server does not
 * slow the sender down, it builds a queue, as real typists would).
 */
export function paceWrites(total: number, perSecond: number, write: (index: number) => void, signal: AbortSignal): Promise<void> {
  const start = performance.now();
  let sent = 0;
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (signal.aborted) {
        clearInterval(timer);
        reject(signal.reason as Error);
        return;
      }
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * perSecond) + 1);
      while (sent < due) {
        write(sent);
        sent += 1;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
}
