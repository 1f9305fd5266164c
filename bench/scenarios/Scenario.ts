import type { Pinning } from '../pinning.js';
import type { ServerName, ServerUnderTest } from '../servers/ServerUnderTest.js';

/** One figure of one server in one cell; null when it does not apply (say, a relay that holds no document). */
export type Metric = number | null;

/** One server's figures for one cell of a scenario (say "100 clients, 1000 updates/s"). */
export interface CellResult {
  cell: string;
  server: ServerName;
  /** Named with their unit ("p99 ms", "peak RSS MB"); the table keeps this order. */
  metrics: Record<string, Metric>;
  /** Whether every client ended with the same document; null when there is nothing to compare. */
  converged: boolean | null;
  /** Why a cell failed or does not apply. */
  note?: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  cells: CellResult[];
  /** What was scaled down or left out, and why. */
  notes: string[];
}

export interface ScenarioSettings {
  /** BENCH_QUICK=1: everything shrunk for a smoke run of about a minute. */
  quick: boolean;
  pinning: Pinning;
  /** Soft limit on open files (this process and the servers it starts). */
  openFileLimit: number;
}

export interface ScenarioContext extends ScenarioSettings {
  /** Aborted when the scenario's time budget is spent (the run then moves on). */
  signal: AbortSignal;
  /** Starts servers that are stopped when the scenario ends, however it ends. */
  startServers(names: ServerName[]): Promise<ServerUnderTest[]>;
  /** Registers cleanup (closing clients) to run when the scenario ends, however it ends. */
  defer(dispose: () => Promise<void> | void): void;
  /** A progress line on stderr (stdout carries only results). */
  progress(message: string): void;
}

export interface Scenario {
  id: string;
  title: string;
  /** Wall-clock budget; past it the scenario is abandoned and reported as failed. */
  budgetMs(settings: ScenarioSettings): number;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/**
 * Starts `names` and runs one cell on each in turn: one server at a time, so they never
 * compete for the machine.
 */
export async function cellPerServer(
  context: ScenarioContext,
  names: ServerName[],
  label: string,
  runCell: (server: ServerUnderTest) => Promise<CellResult>,
): Promise<CellResult[]> {
  const cells: CellResult[] = [];
  for (const server of await context.startServers(names)) {
    context.progress(`${label}: ${server.name}`);
    cells.push(await runCell(server));
  }
  return cells;
}

/** How much a server's memory grew for `count` things (documents, connections), as table metrics. */
export function memoryGrowthMetrics(rssBefore: number, rssAfter: number, count: number, perWhat: string): Record<string, Metric> {
  return {
    'RSS before MB': rssBefore / 2 ** 20,
    'RSS after MB': rssAfter / 2 ** 20,
    [`RSS per ${perWhat} KB`]: (rssAfter - rssBefore) / count / 1024,
  };
}

/** The cell of a server that cannot take part (the relay in scenarios that need a document on the server). */
export function notApplicable(cell: string, server: ServerName, metricNames: string[], note: string): CellResult {
  return { cell, server, metrics: Object.fromEntries(metricNames.map((name) => [name, null])), converged: null, note };
}
