/**
 * Waits until `check` returns a value other than `undefined`/`false`,
 * re-checking whenever `subscribe` reports a change (and at a slow fallback
 * interval for state without events). Rejects with `description` on timeout.
 */
export async function waitFor<T>(
  check: () => T | undefined | false,
  options: { description: string; timeoutMs?: number; subscribe?: (onChange: () => void) => () => void },
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const first = check();
  if (first !== undefined && first !== false) return first;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(poll);
      unsubscribe();
      action();
    };
    const recheck = () => {
      try {
        const value = check();
        if (value !== undefined && value !== false) finish(() => resolve(value));
      } catch (error) {
        finish(() => reject(error));
      }
    };
    const unsubscribe = options.subscribe?.(recheck) ?? (() => undefined);
    const poll = setInterval(recheck, 25);
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${options.description}`))), timeoutMs);
  });
}

/** Like `waitFor`, for a check that must ask something asynchronous (a database, an HTTP endpoint): polls every `intervalMs`. */
export async function waitForAsync<T>(check: () => Promise<T | undefined | false>, options: { description: string; timeoutMs?: number; intervalMs?: number }): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${options.timeoutMs ?? 10_000} ms waiting for ${options.description}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
