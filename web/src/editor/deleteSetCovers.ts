import type * as Y from 'yjs';

export type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/**
 * True when every deletion in `inner` is also in `outer` (for example: the
 * server's on-disk delete set covers a deletion made here). Deletions do not
 * advance the state vector, so a state-vector comparison alone would call an
 * unsent backspace "saved".
 *
 * @example
 * deleteSetCovers(serverSnapshot.ds, transaction.deleteSet)
 */
export function deleteSetCovers(outer: DeleteSet, inner: DeleteSet): boolean {
  for (const [client, items] of inner.clients) {
    const ranges = [...(outer.clients.get(client) ?? [])].sort((a, b) => a.clock - b.clock);
    for (const { clock, len } of items) {
      if (!rangeCovered(ranges, clock, clock + len)) return false;
    }
  }
  return true;
}

/** Whether sorted ranges together cover [start, end), allowing adjacent ranges to join. */
function rangeCovered(sorted: readonly { clock: number; len: number }[], start: number, end: number): boolean {
  let reach = start;
  for (const range of sorted) {
    if (range.clock > reach) break;
    reach = Math.max(reach, range.clock + range.len);
    if (reach >= end) return true;
  }
  return reach >= end;
}
