import { RawSyncClient } from '../clients/RawSyncClient.js';
import { waitUntil } from '../clients/waitUntil.js';
import { readRssBytes } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { median } from '../stats.js';
import { completedAt, largeDocument, sampleMatchesSource, storeAndRestart, type LargeDocument } from './largeDocumentOnDisk.js';
import { cellPerServer, notApplicable, type CellResult, type Scenario, type ScenarioContext } from './Scenario.js';

const SYNC_TIMEOUT_MS = 60_000;
const METRICS = ['first sync ms', 'server RSS after MB'];

/** One run: restart the server, then time the first client to hold the whole document. */
async function loadOnce(context: ScenarioContext, server: ServerUnderTest, documentName: string, document: LargeDocument): Promise<{ ms: number | null; rssBytes: number; converged: boolean }> {
  await server.restart();
  const arrivals: number[] = [];
  const started = performance.now();
  const client = new RawSyncClient(server.url(documentName), { answersSyncStep1: true, applyOnReceipt: false, onPayload: (_payload, receivedAt) => arrivals.push(receivedAt) });
  context.defer(() => client.close());
  const arrived = await waitUntil(() => client.receivedBytes >= document.update.byteLength * 0.5, SYNC_TIMEOUT_MS, context.signal);
  const at = completedAt(client.received, arrivals, document);
  const rssBytes = readRssBytes(server.pid);
  const converged = arrived && at !== null && client.unexpectedClose === null && sampleMatchesSource([client], document, 1);
  await client.close();
  return { ms: at === null ? null : at - started, rssBytes, converged };
}

async function runCell(context: ScenarioContext, server: ServerUnderTest, cell: string, document: LargeDocument, repeats: number): Promise<CellResult> {
  const documentName = `cold-${server.name}`;
  await storeAndRestart(context, server, documentName, document);
  const runs = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) runs.push(await loadOnce(context, server, documentName, document));
  const times = runs.map((run) => run.ms).filter((ms) => ms !== null);
  const converged = runs.every((run) => run.converged);
  return {
    cell,
    server: server.name,
    metrics: { 'first sync ms': median(times), 'server RSS after MB': median(runs.map((run) => run.rssBytes)) / 2 ** 20 },
    converged,
    ...(converged ? {} : { note: `the client did not get the whole document within ${SYNC_TIMEOUT_MS} ms in ${runs.length - times.length} run(s)` }),
  };
}

export const coldLoad: Scenario = {
  id: 'coldload',
  title: 'e. Cold load: first client after a restart, large document on disk',
  budgetMs: (settings) => (settings.quick ? 25_000 : 60_000),
  async run(context) {
    const bytes = context.quick ? 1_000_000 : 5_000_000;
    const repeats = context.quick ? 1 : 3;
    const document = largeDocument(bytes);
    const cell = `${(document.update.byteLength / 2 ** 20).toFixed(1)} MB document`;
    const cells = await cellPerServer(context, ['tandem', 'reference'], 'cold load', (server) => runCell(context, server, cell, document, repeats));
    cells.push(notApplicable(cell, 'relay', METRICS, 'holds no document to load'));
    return { id: this.id, title: this.title, cells, notes: [`median of ${repeats} restart(s); time from opening the socket to holding the whole document`] };
  },
};
