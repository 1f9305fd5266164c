import type { ServerName } from '../servers/ServerUnderTest.js';
import { median } from '../stats.js';
import type { CellResult, Metric } from './Scenario.js';

/** One run of a cell that a scenario repeats. */
export interface CellRun {
  metrics: Record<string, Metric>;
  converged: boolean;
  note: string | null;
}

/** A cell's result over its runs: every figure's median, converged only if every run was, each distinct note once. */
export function mergeRuns(cell: string, server: ServerName, runs: CellRun[]): CellResult {
  const names = Object.keys(runs[0]!.metrics);
  const metrics = Object.fromEntries(names.map((name) => [name, median(runs.map((run) => run.metrics[name] ?? Number.NaN))]));
  const notes = [...new Set(runs.map((run) => run.note).filter((note) => note !== null))];
  return { cell, server, metrics, converged: runs.every((run) => run.converged), ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}
