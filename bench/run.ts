/**
 * Server benchmark: Tandem side by side with the stock y-websocket server
 * (persistence on) and a bare relay (the floor), in one run, loopback only.
 *
 *   npm run bench                      (about 7 minutes on 2 cores)
 *   BENCH_QUICK=1 npm run bench        (a smoke run of about a minute)
 *   BENCH_ONLY=fanout,idle npm run bench
 *
 * Scenarios: fanout, throughput, documents, joinstorm, coldload, idle, scaleout, fallback
 * (names in BENCH_ONLY are case-insensitive). scaleout runs its own PostgreSQL
 * and Redis (/usr/lib/postgresql/N/bin and /usr/bin/redis-server).
 * Each prints one `BENCH {json}` line on stdout as it ends; the table comes
 * last. Progress goes to stderr. Exits 1 if a scenario failed or a cell did
 * not converge.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pinLoadGenerator } from './pinning.js';
import { readOpenFileLimit } from './processStats.js';
import { formatTable } from './report/formatTable.js';
import { coldLoad } from './scenarios/coldLoad.js';
import { documents } from './scenarios/documents.js';
import { fanOut } from './scenarios/fanOut.js';
import { httpFallback } from './scenarios/httpFallback.js';
import { idleConnections } from './scenarios/idleConnections.js';
import { joinStorm } from './scenarios/joinStorm.js';
import { runScenario } from './scenarios/runScenario.js';
import { scaleOut } from './scenarios/scaleOut.js';
import type { Scenario, ScenarioResult, ScenarioSettings } from './scenarios/Scenario.js';
import { throughput } from './scenarios/throughput.js';

const SCENARIOS: Scenario[] = [fanOut, throughput, documents, joinStorm, coldLoad, idleConnections, scaleOut, httpFallback];

function selectScenarios(only: string | undefined): Scenario[] {
  if (!only) return SCENARIOS;
  const wanted = only.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean);
  const unknown = wanted.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown scenario(s) ${unknown.join(', ')}; known: ${SCENARIOS.map((scenario) => scenario.id).join(', ')}`);
  return SCENARIOS.filter((scenario) => wanted.includes(scenario.id));
}

async function main(): Promise<void> {
  if (!existsSync(fileURLToPath(new URL('../dist/server/main.js', import.meta.url)))) {
    throw new Error('dist/server/main.js is missing: run `npm run build:server` first (`npm run bench` does)');
  }
  const scenarios = selectScenarios(process.env.BENCH_ONLY);
  const settings: ScenarioSettings = { quick: process.env.BENCH_QUICK === '1', pinning: pinLoadGenerator(), openFileLimit: readOpenFileLimit() };
  const started = performance.now();
  process.stderr.write(`bench: ${settings.quick ? 'quick' : 'full'} run; ${settings.pinning.description}; open-file limit ${settings.openFileLimit}\n`);

  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    const result = await runScenario(scenario, settings);
    results.push(result);
    process.stdout.write(`BENCH ${JSON.stringify({ ...result, quick: settings.quick, pinned: settings.pinning.used })}\n`);
  }

  const totalSeconds = (performance.now() - started) / 1000;
  process.stdout.write(`${formatTable(results)}\n\n`);
  process.stdout.write(`${settings.quick ? 'Quick' : 'Full'} run, ${settings.pinning.description}; total ${totalSeconds.toFixed(0)} s\n`);
  const failed = results.flatMap((result) => result.cells.filter((cell) => cell.converged === false).map((cell) => `${result.id}: ${cell.cell}, ${cell.server}`));
  if (failed.length > 0) {
    process.stdout.write(`FAILED (not converged or not finished): ${failed.join('; ')}\n`);
    process.exitCode = 1;
  }
}

await main();
