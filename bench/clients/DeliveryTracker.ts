import * as Y from 'yjs';

/**
 * Send times of tracked changes and the latency of each delivery. A change
 * is named by its writer's client ID and clock, which every copy of it
 * carries however the server re-encodes or merges updates, so nothing has
 * to be added to the content to match a delivery to its send.
 */
export class DeliveryTracker {
  readonly latencies: number[] = [];
  readonly #sentAt = new Map<number, number[]>();
  readonly #latenciesOf: (writer: number, receiver: Y.Doc) => number[];

  /**
   * @param latenciesOf where the latency of a delivery from `writer` (a client ID) to `receiver`
   *   goes, to keep classes of delivery apart (say, within one server instance and across two);
   *   `latencies` by default.
   */
  constructor(latenciesOf?: (writer: number, receiver: Y.Doc) => number[]) {
    this.#latenciesOf = latenciesOf ?? (() => this.latencies);
  }

  /** Records that `writer` makes its next change now; call just before the transaction. */
  markSent(writer: Y.Doc, sentAt = performance.now()): void {
    let times = this.#sentAt.get(writer.clientID);
    if (!times) {
      times = [];
      this.#sentAt.set(writer.clientID, times);
    }
    times[Y.getState(writer.store, writer.clientID)] = sentAt;
  }

  /**
   * Records a payload's arrival at `receiver`; returns how many tracked
   * changes of other writers it delivered (a server may echo a writer's own).
   * With `recordLatency` false the delivery is only counted.
   */
  deliver(receiver: Y.Doc, payload: Uint8Array, receivedAt: number, recordLatency = true): number {
    const meta = Y.parseUpdateMeta(payload);
    let delivered = 0;
    for (const [client, to] of meta.to) {
      const times = client === receiver.clientID ? undefined : this.#sentAt.get(client);
      if (!times) continue;
      const latencies = recordLatency ? this.#latenciesOf(client, receiver) : null;
      for (let clock = meta.from.get(client) ?? 0; clock < to; clock += 1) {
        const sentAt = times[clock];
        if (sentAt === undefined) continue;
        latencies?.push(receivedAt - sentAt);
        delivered += 1;
      }
    }
    return delivered;
  }
}
