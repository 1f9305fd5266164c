import { PostgresServer } from '../../tests/support/PostgresServer.js';
import { RedisServer } from '../../tests/support/RedisServer.js';
import { pinToServerCore } from '../pinning.js';
import { readChildPids, readProcessTree } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { startServerUnderTest } from '../servers/startServerUnderTest.js';
import { summarizeLatencies } from '../stats.js';
import { mergeRuns, type CellRun } from './mergeRuns.js';
import { clientBoundNotes, CROSS_SERVER, FULLY_COMPARED_CLIENTS, runFanOut, SAME_SERVER, SATURATED_CORE_PERCENT, type FanOutRun } from './runFanOut.js';
import type { CellResult, Metric, Scenario, ScenarioContext, ScenarioSettings } from './Scenario.js';

interface ScaleOutCell {
  clients: number;
  /** Total over all writers. */
  updatesPerSecond: number;
}

/** The same document served by one instance, or spread over two that share it through Redis. */
interface Topology {
  name: '1 instance' | '2 instances';
  instances: ServerUnderTest[];
}

/** 100 clients at 200 updates/s: a wide fan-out that leaves the servers' core some headroom, so its latencies are not only queueing. */
const CELLS: ScaleOutCell[] = [
  { clients: 20, updatesPerSecond: 200 },
  { clients: 100, updatesPerSecond: 200 },
  { clients: 100, updatesPerSecond: 1000 },
];

/** The same shape at a fraction of the load, for a smoke run. */
const QUICK_CELLS: ScaleOutCell[] = [
  { clients: 10, updatesPerSecond: 100 },
  { clients: 40, updatesPerSecond: 100 },
  { clients: 40, updatesPerSecond: 400 },
];

function plan(settings: ScenarioSettings) {
  return settings.quick
    ? { cells: QUICK_CELLS, sendMs: 1000, repeats: 1, drainTimeoutMs: 8000 }
    : { cells: CELLS, sendMs: 2000, repeats: 3, drainTimeoutMs: 15_000 };
}

/** Instances, Redis and PostgreSQL together, per second of the run: with pinning, how busy their one core was. */
const SERVER_SIDE_CPU = 'server-side CPU % of a core';

function cellName(cell: ScaleOutCell, topology: Topology): string {
  return `${cell.clients} clients, ${cell.updatesPerSecond} updates/s, ${topology.name}`;
}

/**
 * Starts PostgreSQL (fsync on) and Redis (pub/sub only, no persistence, as in
 * deploy/scale-out) on free ports, stopped when the scenario ends however it
 * ends, and moves them to the servers' core: they serve the instances. Returns
 * them with their root processes, for CPU readings.
 */
async function startSharedServices(context: ScenarioContext): Promise<{ postgres: PostgresServer; redis: RedisServer; pids: number[] }> {
  const before = new Set(readChildPids(process.pid));
  const postgres = await PostgresServer.start();
  context.defer(() => postgres.dispose());
  const redis = await RedisServer.start();
  context.defer(() => redis.dispose());
  // Their processes are the ones this process started meanwhile (their classes keep the pids to themselves).
  const pids = readChildPids(process.pid).filter((pid) => !before.has(pid));
  pinToServerCore(pids.flatMap(readProcessTree), context.pinning);
  return { postgres, redis, pids };
}

/** Tandem instances on one PostgreSQL database and one Redis, each stopped (and flushed) before those are. */
async function startInstances(context: ScenarioContext, storeUrl: string, redisUrl: string, names: string[]): Promise<ServerUnderTest[]> {
  const instances: ServerUnderTest[] = [];
  for (const name of names) {
    const instance = await startServerUnderTest('tandem', context.pinning, ['--store', storeUrl, '--redis', redisUrl, '--instance-id', name]);
    context.defer(() => instance.stop());
    instances.push(instance);
  }
  return instances;
}

/** One run's figures; latency percentiles split by whether the delivery crossed from one instance to the other. */
function runMetrics(run: FanOutRun, topology: Topology): Record<string, Metric> {
  const all = summarizeLatencies(run.latencies);
  const spread = topology.instances.length > 1;
  const same = spread ? summarizeLatencies(run.latenciesByGroup.get(SAME_SERVER) ?? []) : null;
  const cross = spread ? summarizeLatencies(run.latenciesByGroup.get(CROSS_SERVER) ?? []) : null;
  const seconds = run.elapsedMs / 1000;
  const serverCpuSeconds = run.serverUsage.reduce((sum, usage) => sum + usage.cpuSeconds, 0);
  return {
    'p50 ms': all.p50,
    'p95 ms': all.p95,
    'p99 ms': all.p99,
    ...(same && cross
      ? {
          'same-instance p50 ms': same.p50,
          'same-instance p95 ms': same.p95,
          'same-instance p99 ms': same.p99,
          'cross-instance p50 ms': cross.p50,
          'cross-instance p95 ms': cross.p95,
          'cross-instance p99 ms': cross.p99,
        }
      : {}),
    'deliveries/s': run.deliveries / seconds,
    'updates/s': run.updates / seconds,
    'server CPU s': serverCpuSeconds,
    'server peak RSS MB': run.serverUsage.reduce((sum, usage) => sum + usage.peakRssBytes, 0) / 2 ** 20,
    'Redis + PostgreSQL CPU s': run.supportCpuSeconds,
    [SERVER_SIDE_CPU]: ((serverCpuSeconds + (run.supportCpuSeconds ?? 0)) / (run.measuredMs / 1000)) * 100,
    'load generator CPU %': run.loadGeneratorCpuPercent,
  };
}

/**
 * What the Redis hop adds at p50 and p99: cross-instance deliveries against same-instance
 * ones of the same runs, and against the single instance, in ms and as a ratio.
 */
function redisHopMetrics(spread: CellResult, single: CellResult): Record<string, Metric> {
  const figure = (cell: CellResult, name: string) => cell.metrics[name] ?? Number.NaN;
  const hop: Record<string, Metric> = {};
  for (const percentile of ['p50', 'p99']) {
    const cross = figure(spread, `cross-instance ${percentile} ms`);
    const same = figure(spread, `same-instance ${percentile} ms`);
    const alone = figure(single, `${percentile} ms`);
    hop[`hop ${percentile} ms (cross - same)`] = cross - same;
    hop[`hop ${percentile} x (cross / same)`] = cross / same;
    hop[`hop ${percentile} ms (cross - 1 instance)`] = cross - alone;
    hop[`hop ${percentile} x (cross / 1 instance)`] = cross / alone;
  }
  return hop;
}

function sharedCoreNotes(settings: ScenarioSettings, cells: readonly CellResult[]): string[] {
  if (!settings.pinning.used) return [`${settings.pinning.description}: instances, Redis, PostgreSQL and the load generator share the cores`];
  const saturated = cells.filter((cell) => (cell.metrics[SERVER_SIDE_CPU] ?? 0) > SATURATED_CORE_PERCENT);
  return [
    'on this machine both instances, Redis and PostgreSQL share core 0 (the load generator has core 1): a second instance adds no CPU here, so this measures what the Redis hop costs, not what a second machine gains',
    ...(saturated.length > 0
      ? [`core 0 above ${SATURATED_CORE_PERCENT}% busy (so its latencies are mostly queueing for that core) in: ${saturated.map((cell) => cell.cell).join('; ')}`]
      : []),
  ];
}

export const scaleOut: Scenario = {
  id: 'scaleout',
  title: 'g. Scale-out: fan-out on one instance vs two sharing Redis and PostgreSQL (writer send → arrival at every other client)',
  budgetMs: (settings) => (settings.quick ? 90_000 : 240_000),
  async run(context) {
    const { cells, sendMs, repeats, drainTimeoutMs } = plan(context);
    context.progress('starting PostgreSQL and Redis');
    const { postgres, redis, pids } = await startSharedServices(context);
    // One database per topology, on the same servers: the single instance has Redis configured too, so only the spread differs.
    const topologies: Topology[] = [
      { name: '1 instance', instances: await startInstances(context, await postgres.createDatabase(), redis.url, ['single']) },
      { name: '2 instances', instances: await startInstances(context, await postgres.createDatabase(), redis.url, ['first', 'second']) },
    ];
    const runCell = (topology: Topology, cell: ScaleOutCell, ms: number, label: string) =>
      runFanOut(context, { servers: topology.instances, ...cell, sendMs: ms, drainTimeoutMs, label, supportPids: pids, checkLateJoiners: true });
    // A short unrecorded run per topology, so neither pays for JIT warm-up (or first connections to PostgreSQL and Redis) in a measured one.
    for (const topology of topologies) await runCell(topology, { clients: 10, updatesPerSecond: 200 }, 300, `warmup-${topology.instances.length}`);
    const runs = new Map<string, CellRun[]>();
    // Topologies take turns within each repeat, so drift on the machine touches both alike.
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const cell of cells) {
        for (const topology of topologies) {
          const name = cellName(cell, topology);
          context.progress(`scale-out: ${name}, run ${repeat + 1}/${repeats}`);
          const run = await runCell(topology, cell, sendMs, `${topology.instances.length}-${cell.clients}-${cell.updatesPerSecond}-${repeat}`);
          runs.set(name, [...(runs.get(name) ?? []), { metrics: runMetrics(run, topology), converged: run.converged, note: run.note }]);
        }
      }
    }
    const results = cells.flatMap((cell) => {
      const [single, spread] = topologies.map((topology) => mergeRuns(cellName(cell, topology), 'tandem', runs.get(cellName(cell, topology))!)) as [CellResult, CellResult];
      return [single, { ...spread, metrics: { ...spread.metrics, ...redisHopMetrics(spread, single) } }];
    });
    return {
      id: this.id,
      title: this.title,
      cells: results,
      notes: [
        `${sendMs} ms of writes per run, median of ${repeats} run(s); writers round-robin over all clients, which alternate between the instances`,
        'PostgreSQL store (fsync on) and Redis for both: one database each on the same PostgreSQL and Redis servers',
        ...sharedCoreNotes(context, results),
        `server CPU and peak RSS: summed over the instances; "${SERVER_SIDE_CPU}": instances, Redis and PostgreSQL together; deliveries/s and updates/s: from the first write to the last delivery`,
        'hop: cross-instance deliveries (through Redis) minus or over same-instance ones of the same runs, and over the single instance',
        `convergence: every client's deliveries checked exactly; full documents compared for about ${FULLY_COMPARED_CLIENTS} clients from every instance and one late joiner per instance`,
        ...clientBoundNotes(results),
      ],
    };
  },
};
