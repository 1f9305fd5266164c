/**
 * Resolves true once `check()` holds, false if it still does not after
 * `timeoutMs` (the caller reports that as a failed cell), polling every
 * `pollMs`. For waits whose end is only a count, not an event.
 */
export function waitUntil(check: () => boolean, timeoutMs: number, signal: AbortSignal, pollMs = 10): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const timer = setInterval(() => {
      if (signal.aborted) {
        clearInterval(timer);
        reject(signal.reason as Error);
      } else if (check()) {
        clearInterval(timer);
        resolve(true);
      } else if (performance.now() >= deadline) {
        clearInterval(timer);
        resolve(false);
      }
    }, pollMs);
  });
}
