import { startServerUnderTest } from '../servers/startServerUnderTest.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import type { Scenario, ScenarioContext, ScenarioResult, ScenarioSettings } from './Scenario.js';

/**
 * Runs one scenario within its time budget. Whatever happens (a failure, the
 * budget running out), its clients are closed and its servers stopped, and a
 * failure becomes a result with one failed cell rather than ending the run.
 */
export async function runScenario(scenario: Scenario, settings: ScenarioSettings): Promise<ScenarioResult> {
  const budgetMs = scenario.budgetMs(settings);
  const controller = new AbortController();
  const disposers: (() => Promise<void> | void)[] = [];
  const servers: ServerUnderTest[] = [];
  const context: ScenarioContext = {
    ...settings,
    signal: controller.signal,
    defer: (dispose) => disposers.push(dispose),
    async startServers(names) {
      const started: ServerUnderTest[] = [];
      for (const name of names) {
        const server = await startServerUnderTest(name, settings.pinning);
        servers.push(server);
        started.push(server);
      }
      return started;
    },
    progress: (message) => process.stderr.write(`  [${scenario.id}] ${message}\n`),
  };
  const started = performance.now();
  process.stderr.write(`bench: ${scenario.title} (budget ${Math.round(budgetMs / 1000)} s)\n`);
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`over its time budget of ${Math.round(budgetMs / 1000)} s`);
      controller.abort(error);
      reject(error);
    }, budgetMs);
  });
  const running = scenario.run(context);
  // Once the budget is spent the run is reported failed; whatever it throws later (its clients and servers being torn down) is only logged.
  running.catch((error: unknown) => context.progress(`after the scenario ended: ${error instanceof Error ? error.message : String(error)}`));
  try {
    const result = await Promise.race([running, overBudget]);
    result.notes.push(`took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`bench: ${scenario.id} failed: ${error instanceof Error ? (error.stack ?? message) : message}\n`);
    return { id: scenario.id, title: scenario.title, cells: [{ cell: 'scenario', server: 'tandem', metrics: {}, converged: false, note: `failed: ${message}` }], notes: [] };
  } finally {
    clearTimeout(timer);
    controller.abort(new Error('scenario ended'));
    for (const dispose of disposers.reverse()) await dispose();
    await Promise.all(servers.map((server) => server.stop()));
  }
}
