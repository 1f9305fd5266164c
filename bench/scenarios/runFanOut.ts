import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as Y from 'yjs';
import type { RawSyncClient } from '../clients/RawSyncClient.js';
import { DeliveryTracker } from '../clients/DeliveryTracker.js';
import { paceWrites } from '../clients/paceWrites.js';
import type { ConnectSync } from '../clients/SyncConnection.js';
import { waitUntil } from '../clients/waitUntil.js';
import { allConverged } from '../convergence.js';
import { measureProcess, measureProcessTrees, type ProcessUsage } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { closeClients, openClients, unexpectedCloses } from './openClients.js';
import type { CellResult, ScenarioContext } from './Scenario.js';

/** Clients whose whole document is rebuilt and compared at the end; every client's deliveries are checked exactly. */
export const FULLY_COMPARED_CLIENTS = 10;

/** The default groups of `FanOutRun.latenciesByGroup`: deliveries between clients of one server, and of two. */
export const SAME_SERVER = 'same server';
export const CROSS_SERVER = 'cross server';

export interface FanOutLoad {
  /** Client `i` connects to `servers[i % servers.length]` (one server, or instances sharing the document). */
  servers: readonly ServerUnderTest[];
  clients: number;
  /** Total over all writers, who take turns (round-robin over all clients). */
  updatesPerSecond: number;
  sendMs: number;
  drainTimeoutMs: number;
  /** Part of the document's name, which is unique per run: every run starts from an empty document. */
  label: string;
  /** Processes the servers depend on (Redis, PostgreSQL), whose trees' CPU is measured over the same stretch as the servers'. */
  supportPids?: readonly number[];
  /**
   * After the drain, one fresh client per server loads the document and must hold what the
   * writers hold: the servers' own copies have converged too. Only for servers that hold state.
   */
  checkLateJoiners?: boolean;
  /** How client `index` reaches its server; a plain WebSocket by default. */
  connect?: (index: number) => ConnectSync;
  /**
   * The group a delivery from client `writer` to client `receiver` (indexes) counts in, called
   * once all are open; by default `SAME_SERVER` or `CROSS_SERVER`.
   */
  groupOf?: (writer: number, receiver: number) => string;
}

export interface FanOutRun {
  /** Every delivery's latency in ms. */
  latencies: number[];
  /** The latencies by group (`FanOutLoad.groupOf`): by default `SAME_SERVER` (all of them with one server) and `CROSS_SERVER`. */
  latenciesByGroup: Map<string, number[]>;
  /** Changes written. */
  updates: number;
  /** Changes that arrived at clients other than their writer. */
  deliveries: number;
  /** From the first write to the last delivery (or to the end of the wait for it). */
  elapsedMs: number;
  /** From the first write until the drain was seen (or given up on): the stretch CPU and RSS are measured over. */
  measuredMs: number;
  /** Each server's CPU and peak RSS over `measuredMs`, in the order of `servers`. */
  serverUsage: ProcessUsage[];
  /** CPU seconds of `supportPids`' trees over `measuredMs`; null without them. */
  supportCpuSeconds: number | null;
  loadGeneratorCpuPercent: number;
  /** How late the load generator's event loop ran at p99 over `measuredMs`, in ms: deliveries queue behind its own work that long. */
  loadGeneratorLoopDelayP99Ms: number;
  converged: boolean;
  /** Why it did not converge, or null. */
  note: string | null;
}

/**
 * Every client writes in turn (round-robin) at a fixed total rate, open
 * loop; each delivery to another client is timed from the writer's send to
 * its arrival. All clients start empty, so the bare relay (which cannot
 * sync anyone) measures exactly the same thing as the real servers.
 */
export async function runFanOut(context: ScenarioContext, load: FanOutLoad): Promise<FanOutRun> {
  const latenciesByGroup = new Map<string, number[]>();
  /** Client ID → index of the client. */
  const indexOf = new Map<number, number>();
  const groupOf = load.groupOf ?? ((writer, receiver) => (writer % load.servers.length === receiver % load.servers.length ? SAME_SERVER : CROSS_SERVER));
  const tracker = new DeliveryTracker((writer, receiver) => {
    const group = groupOf(indexOf.get(writer)!, indexOf.get(receiver.clientID)!);
    let latencies = latenciesByGroup.get(group);
    if (!latencies) {
      latencies = [];
      latenciesByGroup.set(group, latencies);
    }
    return latencies;
  });
  const delivered = new Array<number>(load.clients).fill(0);
  const docs: Y.Doc[] = [];
  const documentName = `fanout-${load.label}-${Date.now().toString(36)}`;
  let lastDeliveryAt = Number.NaN;
  const clients: RawSyncClient[] = [];
  for (const [serverIndex, server] of load.servers.entries()) {
    const indexes = clientsOf(serverIndex, load);
    const opened = await openClients(context, server, new Array<string>(indexes.length).fill(documentName), (local, doc) => {
      const index = indexes[local]!;
      docs[index] = doc;
      indexOf.set(doc.clientID, index);
      return {
        ...(load.connect ? { connect: load.connect(index) } : {}),
        applyOnReceipt: false,
        onPayload: (payload, receivedAt) => {
          const count = tracker.deliver(doc, payload, receivedAt);
          delivered[index]! += count;
          if (count > 0) lastDeliveryAt = receivedAt;
        },
      };
    });
    for (const [local, client] of opened.entries()) clients[indexes[local]!] = client;
  }
  const total = Math.round((load.updatesPerSecond * load.sendMs) / 1000);
  const expected = docs.map((_doc, index) => total - Math.ceil((total - index) / load.clients));

  const usage = load.servers.map((server) => measureProcess(server.pid));
  const supportUsage = load.supportPids ? measureProcessTrees(load.supportPids) : null;
  const loadGeneratorCpu = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
  loopDelay.enable();
  const started = performance.now();
  await paceWrites(
    total,
    load.updatesPerSecond,
    (index) => {
      const writer = docs[index % load.clients]!;
      tracker.markSent(writer);
      // One keystroke at the end of the writer's copy (Yjs merges a run of them cheaply; array pushes it copies).
      const text = writer.getText('content');
      text.insert(text.length, String(index % 10));
    },
    context.signal,
  );
  const drained = await waitUntil(() => delivered.every((count, index) => count >= expected[index]!), load.drainTimeoutMs, context.signal);
  const serverUsage = usage.map((end) => end());
  const supportCpuSeconds = supportUsage?.() ?? null;
  const cpu = process.cpuUsage(loadGeneratorCpu);
  loopDelay.disable();
  const measuredMs = performance.now() - started;

  const closed = unexpectedCloses(clients);
  // About FULLY_COMPARED_CLIENTS, spread over the clients in rounds of one per server, so every server's are among them.
  const perRound = load.servers.length;
  const roundStride = Math.ceil(Math.ceil(load.clients / perRound) / Math.ceil(FULLY_COMPARED_CLIENTS / perRound));
  const compared = clients.filter((_client, index) => Math.floor(index / perRound) % roundStride === 0);
  for (const client of compared) client.applyReceived();
  const lateJoiners = drained && closed === null && load.checkLateJoiners ? await openLateJoiners(context, load.servers, documentName) : [];
  const converged = drained && closed === null && allConverged([...compared, ...lateJoiners].map((client) => client.doc));
  const missing = expected.reduce((sum, count, index) => sum + Math.max(0, count - delivered[index]!), 0);
  await closeClients([...clients, ...lateJoiners]);
  return {
    latencies: [...latenciesByGroup.values()].flat(),
    latenciesByGroup,
    updates: total,
    deliveries: delivered.reduce((sum, count) => sum + count, 0),
    elapsedMs: drained ? lastDeliveryAt - started : measuredMs,
    measuredMs,
    serverUsage,
    supportCpuSeconds,
    loadGeneratorCpuPercent: ((cpu.user + cpu.system) / 1000 / measuredMs) * 100,
    // The histogram holds whole intervals between its timer's runs: the resolution is no delay.
    loadGeneratorLoopDelayP99Ms: Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_DELAY_RESOLUTION_MS),
    converged,
    note: closed ?? (drained ? (converged ? null : 'documents differ') : `${missing} deliveries missing after ${load.drainTimeoutMs} ms`),
  };
}

/** Above this share of a core a cell may be limited by that core (the load generator's, or the servers') rather than by the code under test. */
export const SATURATED_CORE_PERCENT = 85;
/**
 * Above this p99 event-loop delay the load generator stalls (garbage collection, bursts of its
 * own work) long enough to dominate tail latencies, even at a modest average CPU.
 */
export const STALLED_LOOP_MS = 20;
const LOOP_DELAY_RESOLUTION_MS = 1;

/**
 * A note naming the cells whose load generator was near its core's limit, or whose event loop
 * stalled (for scenarios that report 'load generator loop delay p99 ms'), if any: their
 * latencies overstate the server's.
 */
export function clientBoundNotes(cells: readonly CellResult[]): string[] {
  const clientBound = cells.filter(
    (cell) => (cell.metrics['load generator CPU %'] ?? 0) > SATURATED_CORE_PERCENT || (cell.metrics['load generator loop delay p99 ms'] ?? 0) > STALLED_LOOP_MS,
  );
  if (clientBound.length === 0) return [];
  return [
    `load generator above ${SATURATED_CORE_PERCENT}% of its core or its event loop over ${STALLED_LOOP_MS} ms late at p99 (so client-bound, latencies overstate the server's) in: ${clientBound.map((cell) => `${cell.cell}/${cell.server}`).join(', ')}`,
  ];
}

/** The indexes of the clients that connect to `servers[serverIndex]`. */
function clientsOf(serverIndex: number, load: FanOutLoad): number[] {
  return Array.from({ length: load.clients }, (_, index) => index).filter((index) => index % load.servers.length === serverIndex);
}

/** One client per server that loads the whole document on joining (what every server holds now). */
async function openLateJoiners(context: ScenarioContext, servers: readonly ServerUnderTest[], documentName: string): Promise<RawSyncClient[]> {
  const joiners: RawSyncClient[] = [];
  for (const server of servers) joiners.push(...(await openClients(context, server, [documentName])));
  return joiners;
}
