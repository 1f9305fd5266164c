import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { summarizeLatencies } from '../stats.js';
import { mergeRuns, type CellRun } from './mergeRuns.js';
import { clientBoundNotes, FULLY_COMPARED_CLIENTS, runFanOut } from './runFanOut.js';
import type { Scenario, ScenarioContext, ScenarioSettings } from './Scenario.js';

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

function plan(settings: ScenarioSettings) {
  return settings.quick
    ? { sendMs: 1000, repeats: 1, drainTimeoutMs: 8000 }
    : { sendMs: 2000, repeats: 3, drainTimeoutMs: 15_000 };
}

function cellName(cell: FanOutCell): string {
  return `${cell.clients} clients, ${cell.updatesPerSecond} updates/s`;
}

/** One run of `cell` on `server`: its latencies, CPU and memory. */
async function runCell(context: ScenarioContext, server: ServerUnderTest, cell: FanOutCell, sendMs: number, drainTimeoutMs: number, label: string): Promise<CellRun> {
  const run = await runFanOut(context, { servers: [server], ...cell, sendMs, drainTimeoutMs, label });
  const latency = summarizeLatencies(run.latencies);
  const usage = run.serverUsage[0]!;
  return {
    metrics: {
      'p50 ms': latency.p50,
      'p95 ms': latency.p95,
      'p99 ms': latency.p99,
      'server CPU s': usage.cpuSeconds,
      'server peak RSS MB': usage.peakRssBytes / 2 ** 20,
      'load generator CPU %': run.loadGeneratorCpuPercent,
    },
    converged: run.converged,
    note: run.note,
  };
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
    const cells = CELLS.flatMap((cell) => servers.map((server) => mergeRuns(cellName(cell), server.name, runs.get(`${cellName(cell)}|${server.name}`)!)));
    return {
      id: this.id,
      title: this.title,
      cells,
      notes: [
        `${sendMs} ms of writes per run, median of ${repeats} run(s); writers round-robin over all clients`,
        `convergence: every client's deliveries checked exactly; full documents compared for ${FULLY_COMPARED_CLIENTS} clients per cell`,
        ...clientBoundNotes(cells),
      ],
    };
  },
};
