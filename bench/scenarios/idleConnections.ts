import { setTimeout as delay } from 'node:timers/promises';
import type WebSocket from 'ws';
import { openIdleConnection } from '../clients/openIdleConnection.js';
import { runWithConcurrency } from '../clients/runWithConcurrency.js';
import { readRssBytes } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { cellPerServer, memoryGrowthMetrics, type CellResult, type Scenario, type ScenarioContext } from './Scenario.js';

const WANTED_CONNECTIONS = 10_000;
/** Descriptors kept free for everything else this process and the servers open. */
const SPARE_DESCRIPTORS = 1000;
const OPENING_CONCURRENCY = 200;
/** Time for the servers' allocations to settle before RSS is read: RSS has no event to wait on. */
const SETTLE_MS = 1000;

async function runCell(context: ScenarioContext, server: ServerUnderTest, connections: number, documentCount: number): Promise<CellResult> {
  const rssBefore = readRssBytes(server.pid);
  const sockets: WebSocket[] = [];
  context.defer(() => closeSockets(sockets));
  const started = performance.now();
  await runWithConcurrency(Array.from({ length: connections }, (_unused, index) => index), OPENING_CONCURRENCY, async (index) => {
    sockets.push(await openIdleConnection(server.url(`idle-${index % documentCount}`), server.holdsState));
  });
  const openSeconds = (performance.now() - started) / 1000;
  await delay(SETTLE_MS, undefined, { signal: context.signal });
  const rssAfter = readRssBytes(server.pid);
  const stillOpen = sockets.filter((socket) => socket.readyState === socket.OPEN).length;
  await closeSockets(sockets);
  return {
    cell: `${connections} idle connections over ${documentCount} documents`,
    server: server.name,
    metrics: {
      'open all s': openSeconds,
      ...memoryGrowthMetrics(rssBefore, rssAfter, connections, 'connection'),
    },
    converged: stillOpen === connections,
    ...(stillOpen === connections ? {} : { note: `${connections - stillOpen} connection(s) closed by the server while idle` }),
  };
}

async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.splice(0).map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === socket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close();
        }),
    ),
  );
}

export const idleConnections: Scenario = {
  id: 'idle',
  title: 'f. Idle connections: server memory',
  budgetMs: (settings) => (settings.quick ? 25_000 : 90_000),
  async run(context) {
    // This process holds one descriptor per connection and so does the server; both have the same limit.
    const possible = Math.max(0, Math.floor(context.openFileLimit - SPARE_DESCRIPTORS));
    const connections = context.quick ? 1000 : Math.min(WANTED_CONNECTIONS, possible);
    const documentCount = context.quick ? 10 : 100;
    const cells = await cellPerServer(context, ['tandem', 'reference', 'relay'], `idle: ${connections} connections`, (server) => runCell(context, server, connections, documentCount));
    const notes = ['each connection sends sync step 1 and waits for the server\'s first answer; "converged" = every connection still open after the settle'];
    if (!context.quick && connections < WANTED_CONNECTIONS) notes.push(`scaled down from ${WANTED_CONNECTIONS}: the open-file limit is ${context.openFileLimit}`);
    return { id: this.id, title: this.title, cells, notes };
  },
};
