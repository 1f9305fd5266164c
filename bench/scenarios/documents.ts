import { setTimeout as delay } from 'node:timers/promises';
import { RawSyncClient } from '../clients/RawSyncClient.js';
import { waitUntil } from '../clients/waitUntil.js';
import { whenReady } from '../clients/whenReady.js';
import { readRssBytes } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { closeClients, openClients, unexpectedCloses } from './openClients.js';
import { cellPerServer, memoryGrowthMetrics, type CellResult, type Scenario, type ScenarioContext } from './Scenario.js';

/** Documents read back through a fresh client to check the server holds what was written. */
const VERIFIED_DOCUMENTS = 20;
/** Time for the servers' allocations to settle (saves, buffers) before RSS is read: RSS has no event to wait on. */
const SETTLE_MS = 1000;

function contentOf(index: number): string {
  return `Document ${index}: ${'a few words that make it a real document. '.repeat(3)}`;
}

async function verify(context: ScenarioContext, server: ServerUnderTest, documentName: string, expected: string): Promise<boolean> {
  const client = new RawSyncClient(server.url(documentName), { answersSyncStep1: true });
  context.defer(() => client.close());
  await whenReady(client, server);
  const text = client.doc.getText('content');
  const readBack = await waitUntil(() => text.toString() === expected, 10_000, context.signal);
  await client.close();
  return readBack;
}

/** Many documents open at once, one client each: what one more open document costs the server in memory. */
async function runCell(context: ScenarioContext, server: ServerUnderTest, count: number, prefix: string): Promise<CellResult> {
  const rssBefore = readRssBytes(server.pid);
  const names = Array.from({ length: count }, (_unused, index) => `${prefix}-${server.name}-${index}`);
  const started = performance.now();
  const clients = await openClients(context, server, names);
  clients.forEach((client, index) => client.doc.getText('content').insert(0, contentOf(index)));
  const openSeconds = (performance.now() - started) / 1000;
  let converged: boolean | null = null;
  if (server.holdsState) {
    const sample = Array.from({ length: VERIFIED_DOCUMENTS }, (_unused, index) => Math.floor((index * count) / VERIFIED_DOCUMENTS));
    const verified = await Promise.all(sample.map((index) => verify(context, server, names[index]!, contentOf(index))));
    converged = verified.every(Boolean);
  }
  await delay(SETTLE_MS, undefined, { signal: context.signal });
  const rssAfter = readRssBytes(server.pid);
  const closed = unexpectedCloses(clients);
  await closeClients(clients);
  return {
    cell: `${count} documents, 1 client each`,
    server: server.name,
    metrics: {
      'open + sync all s': openSeconds,
      ...memoryGrowthMetrics(rssBefore, rssAfter, count, 'document'),
    },
    converged: closed === null ? converged : false,
    ...(closed !== null ? { note: closed } : server.holdsState ? {} : { note: 'relay holds no document: nothing to read back' }),
  };
}

export const documents: Scenario = {
  id: 'documents',
  title: 'c. Many open documents: server memory per document',
  budgetMs: (settings) => (settings.quick ? 25_000 : 60_000),
  async run(context) {
    const count = context.quick ? 300 : 2000;
    const cells = await cellPerServer(context, ['tandem', 'reference', 'relay'], `documents: ${count}`, (server) => runCell(context, server, count, 'many'));
    return {
      id: this.id,
      title: this.title,
      cells,
      notes: [`each client writes ~150 characters; ${VERIFIED_DOCUMENTS} documents read back through a fresh client; RSS read ${SETTLE_MS} ms after the last write`],
    };
  },
};
