/**
 * True when everything described by `local` (a state vector: client id →
 * clock) is contained in `saved`, the state vector the server reports as on
 * disk. Yjs clocks are contiguous per client, so a larger or equal clock
 * means every change up to it is there.
 *
 * @example
 * isStateSaved(new Map([[1, 5]]), new Map([[1, 7], [2, 3]])) // true
 */
export function isStateSaved(local: ReadonlyMap<number, number>, saved: ReadonlyMap<number, number>): boolean {
  for (const [clientId, clock] of local) {
    if ((saved.get(clientId) ?? 0) < clock) return false;
  }
  return true;
}
