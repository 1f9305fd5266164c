import type * as Y from 'yjs';
import { DeliveryTracker } from '../clients/DeliveryTracker.js';
import { paceWrites } from '../clients/paceWrites.js';
import { waitUntil } from '../clients/waitUntil.js';
import { allConverged } from '../convergence.js';
import { measureProcess } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { median, summarizeLatencies } from '../stats.js';
import { closeClients, openClients, unexpectedCloses } from './openClients.js';
import type { CellResult, Metric, Scenario, ScenarioContext, ScenarioSettings } from './Scenario.js';

interface FanOutCell {
  clients: number;
  updatesPerSecond: number;
}

const CELLS: FanOutCell[] = [
  { clients: 20, updatesPerSecond: 200 },
  { clients: 20, updatesPerSecond: 1000 },
  { clients: 100, updatesPerSecond: 200 },
  { clients: 100, updatesPerSecond: 1000 },
];

/** Clients whose whole document is rebuilt and compared at the end; every client's deliveries are checked exactly. */
const FULLY_COMPARED_CLIENTS = 10;

/** Above this the one load-generator core, not the server, may be what limits a cell. */
const SATURATED_LOAD_GENERATOR_PERCENT = 85;

function plan(settings: ScenarioSettings) {
  return settings.quick
    ? { sendMs: 1000, repeats: 1, drainTimeoutMs: 8000 }
    : { sendMs: 2000, repeats: 3, drainTimeoutMs: 15_000 };
}

interface CellRun {
  metrics: Record<string, Metric>;
  converged: boolean;
  note: string | null;
}

function cellName(cell: FanOutCell): string {
  return `${cell.clients} clients, ${cell.updatesPerSecond} updates/s`;
}

/**
 * Every client writes in turn (round-robin) at a fixed total rate, open
 * loop; each delivery to another client is timed from the writer's send to
 * its arrival. All clients start empty, so the bare relay (which cannot
 * sync anyone) measures exactly the same thing as the real servers.
 */
async function runCell(context: ScenarioContext, server: ServerUnderTest, cell: FanOutCell, sendMs: number, drainTimeoutMs: number, label: string): Promise<CellRun> {
  const tracker = new DeliveryTracker();
  const delivered = new Array<number>(cell.clients).fill(0);
  const docs: Y.Doc[] = [];
  const documentName = `fanout-${label}-${Date.now().toString(36)}`;
  const clients = await openClients(context, server, new Array<string>(cell.clients).fill(documentName), (index, doc) => {
    docs[index] = doc;
    return {
      applyOnReceipt: false,
      onPayload: (payload, receivedAt) => {
        delivered[index]! += tracker.deliver(doc, payload, receivedAt);
      },
    };
  });
  const total = Math.round((cell.updatesPerSecond * sendMs) / 1000);
  const expected = docs.map((_doc, index) => total - Math.ceil((total - index) / cell.clients));

  const usage = measureProcess(server.pid);
  const loadGeneratorCpu = process.cpuUsage();
  const started = performance.now();
  await paceWrites(
    total,
    cell.updatesPerSecond,
    (index) => {
      const writer = docs[index % cell.clients]!;
      tracker.markSent(writer);
      // One keystroke at the end of the writer's copy (Yjs merges a run of them cheaply; array pushes it copies).
      const text = writer.getText('content');
      text.insert(text.length, String(index % 10));
    },
    context.signal,
  );
  const drained = await waitUntil(() => delivered.every((count, index) => count >= expected[index]!), drainTimeoutMs, context.signal);
  const { cpuSeconds, peakRssBytes } = usage();
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(loadGeneratorCpu);

  const closed = unexpectedCloses(clients);
  const compared = clients.filter((_client, index) => index % Math.ceil(cell.clients / FULLY_COMPARED_CLIENTS) === 0);
  for (const client of compared) client.applyReceived();
  const converged = drained && closed === null && allConverged(compared.map((client) => client.doc));
  const missing = expected.reduce((sum, count, index) => sum + Math.max(0, count - delivered[index]!), 0);
  await closeClients(clients);
  const latency = summarizeLatencies(tracker.latencies);
  return {
    metrics: {
      'p50 ms': latency.p50,
      'p95 ms': latency.p95,
      'p99 ms': latency.p99,
      'server CPU s': cpuSeconds,
      'server peak RSS MB': peakRssBytes / 2 ** 20,
      'load generator CPU %': ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
    },
    converged,
    note: closed ?? (drained ? (converged ? null : 'documents differ') : `${missing} deliveries missing after ${drainTimeoutMs} ms`),
  };
}

function mergeRuns(cell: string, server: ServerUnderTest, runs: CellRun[]): CellResult {
  const names = Object.keys(runs[0]!.metrics);
  const metrics = Object.fromEntries(names.map((name) => [name, median(runs.map((run) => run.metrics[name] ?? Number.NaN))]));
  const notes = [...new Set(runs.map((run) => run.note).filter((note) => note !== null))];
  return { cell, server: server.name, metrics, converged: runs.every((run) => run.converged), ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

export const fanOut: Scenario = {
  id: 'fanout',
  title: 'a. Fan-out latency (writer send → arrival at every other client)',
  budgetMs: (settings) => (settings.quick ? 45_000 : 200_000),
  async run(context) {
    const { sendMs, repeats, drainTimeoutMs } = plan(context);
    const servers = await context.startServers(['tandem', 'reference', 'relay']);
    // A short unrecorded cell per server, so no server pays for JIT warm-up in the first measured cell.
    for (const server of servers) await runCell(context, server, { clients: 10, updatesPerSecond: 200 }, 300, drainTimeoutMs, `warmup-${server.name}`);
    const runs = new Map<string, CellRun[]>();
    // Servers take turns within each repeat, so drift on the machine touches all of them alike.
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const cell of CELLS) {
        for (const server of servers) {
          context.progress(`fan-out: ${cellName(cell)}, ${server.name}, run ${repeat + 1}/${repeats}`);
          const run = await runCell(context, server, cell, sendMs, drainTimeoutMs, `${server.name}-${cell.clients}-${cell.updatesPerSecond}-${repeat}`);
          const key = `${cellName(cell)}|${server.name}`;
          runs.set(key, [...(runs.get(key) ?? []), run]);
        }
      }
    }
    const cells = CELLS.flatMap((cell) => servers.map((server) => mergeRuns(cellName(cell), server, runs.get(`${cellName(cell)}|${server.name}`)!)));
    const clientBound = cells.filter((cell) => (cell.metrics['load generator CPU %'] ?? 0) > SATURATED_LOAD_GENERATOR_PERCENT);
    return {
      id: this.id,
      title: this.title,
      cells,
      notes: [
        `${sendMs} ms of writes per run, median of ${repeats} run(s); writers round-robin over all clients`,
        `convergence: every client's deliveries checked exactly; full documents compared for ${FULLY_COMPARED_CLIENTS} clients per cell`,
        ...(clientBound.length > 0
          ? [`load generator above ${SATURATED_LOAD_GENERATOR_PERCENT}% of its core (so client-bound, latencies overstate the server's) in: ${clientBound.map((cell) => `${cell.cell}/${cell.server}`).join(', ')}`]
          : []),
      ],
    };
  },
};
