import type * as Y from 'yjs';
import type { RawSyncClient } from '../clients/RawSyncClient.js';
import { DeliveryTracker } from '../clients/DeliveryTracker.js';
import { paceWrites } from '../clients/paceWrites.js';
import { waitUntil } from '../clients/waitUntil.js';
import { allConverged } from '../convergence.js';
import { measureProcess, measureProcessTrees, type ProcessUsage } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { closeClients, openClients, unexpectedCloses } from './openClients.js';
import type { CellResult, ScenarioContext } from './Scenario.js';

/** Clients whose whole document is rebuilt and compared at the end; every client's deliveries are checked exactly. */
export const FULLY_COMPARED_CLIENTS = 10;

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
}

export interface FanOutRun {
  /** Every delivery's latency in ms. */
  latencies: number[];
  /** The latencies of deliveries between clients of one server (all of them with one server)… */
  sameServerLatencies: number[];
  /** …and between clients of different servers (through whatever links the servers). */
  crossServerLatencies: number[];
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
  const sameServerLatencies: number[] = [];
  const crossServerLatencies: number[] = [];
  /** Client ID → index of its server. */
  const serverOf = new Map<number, number>();
  const tracker = new DeliveryTracker((writer, receiver) => (serverOf.get(writer) === serverOf.get(receiver.clientID) ? sameServerLatencies : crossServerLatencies));
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
      serverOf.set(doc.clientID, serverIndex);
      return {
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
    latencies: [...sameServerLatencies, ...crossServerLatencies],
    sameServerLatencies,
    crossServerLatencies,
    updates: total,
    deliveries: delivered.reduce((sum, count) => sum + count, 0),
    elapsedMs: drained ? lastDeliveryAt - started : measuredMs,
    measuredMs,
    serverUsage,
    supportCpuSeconds,
    loadGeneratorCpuPercent: ((cpu.user + cpu.system) / 1000 / measuredMs) * 100,
    converged,
    note: closed ?? (drained ? (converged ? null : 'documents differ') : `${missing} deliveries missing after ${load.drainTimeoutMs} ms`),
  };
}

/** Above this share of a core a cell may be limited by that core (the load generator's, or the servers') rather than by the code under test. */
export const SATURATED_CORE_PERCENT = 85;

/** A note naming the cells whose load generator was near its core's limit, if any (their latencies overstate the server's). */
export function clientBoundNotes(cells: readonly CellResult[]): string[] {
  const clientBound = cells.filter((cell) => (cell.metrics['load generator CPU %'] ?? 0) > SATURATED_CORE_PERCENT);
  if (clientBound.length === 0) return [];
  return [`load generator above ${SATURATED_CORE_PERCENT}% of its core (so client-bound, latencies overstate the server's) in: ${clientBound.map((cell) => `${cell.cell}/${cell.server}`).join(', ')}`];
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
