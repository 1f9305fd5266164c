import { RawSyncClient } from '../clients/RawSyncClient.js';
import { waitUntil } from '../clients/waitUntil.js';
import { measureProcess } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { median } from '../stats.js';
import { completedAt, largeDocument, sampleMatchesSource, storeAndRestart, type LargeDocument } from './largeDocumentOnDisk.js';
import { closeClients, unexpectedCloses } from './openClients.js';
import { cellPerServer, notApplicable, type CellResult, type Scenario, type ScenarioContext } from './Scenario.js';

const SYNC_TIMEOUT_MS = 60_000;
/** Clients whose received document is rebuilt and compared with the source (every client's completeness is checked). */
const FULLY_COMPARED_CLIENTS = 5;
const METRICS = ['median sync ms', 'max sync ms', 'server CPU s', 'server peak RSS MB'];

/** `clients` connect at the same moment to a large document the server must first load from disk. */
async function runCell(context: ScenarioContext, server: ServerUnderTest, cell: string, clientCount: number, document: LargeDocument): Promise<CellResult> {
  const documentName = `storm-${server.name}`;
  await storeAndRestart(context, server, documentName, document);
  const usage = measureProcess(server.pid);
  const arrivals: number[][] = Array.from({ length: clientCount }, () => []);
  const started = performance.now();
  const clients = Array.from(
    { length: clientCount },
    (_unused, index) =>
      new RawSyncClient(server.url(documentName), { answersSyncStep1: true, applyOnReceipt: false, onPayload: (_payload, receivedAt) => arrivals[index]!.push(receivedAt) }),
  );
  context.defer(() => closeClients(clients));
  // Only bytes are counted while the server sends; when each client became complete is worked out afterwards.
  const arrived = await waitUntil(() => clients.every((client) => client.receivedBytes >= document.update.byteLength * 0.5), SYNC_TIMEOUT_MS, context.signal);
  const { cpuSeconds, peakRssBytes } = usage();
  const syncMs = clients.map((client, index) => completedAt(client.received, arrivals[index]!, document)).map((at) => (at === null ? null : at - started));
  const synced = syncMs.filter((ms) => ms !== null);
  const closed = unexpectedCloses(clients);
  const converged = arrived && closed === null && synced.length === clientCount && sampleMatchesSource(clients, document, FULLY_COMPARED_CLIENTS);
  await closeClients(clients);
  return {
    cell,
    server: server.name,
    metrics: {
      'median sync ms': median(synced),
      'max sync ms': synced.length === clientCount ? Math.max(...synced) : Number.NaN,
      'server CPU s': cpuSeconds,
      'server peak RSS MB': peakRssBytes / 2 ** 20,
    },
    converged,
    ...(converged ? {} : { note: closed ?? `${clientCount - synced.length} of ${clientCount} clients did not get the whole document within ${SYNC_TIMEOUT_MS} ms` }),
  };
}

export const joinStorm: Scenario = {
  id: 'joinstorm',
  title: 'd. Join storm: clients connect at once to a large document loaded from disk',
  budgetMs: (settings) => (settings.quick ? 30_000 : 90_000),
  async run(context) {
    const bytes = context.quick ? 1_000_000 : 5_000_000;
    const clientCount = context.quick ? 20 : 100;
    const document = largeDocument(bytes);
    const cell = `${clientCount} clients, ${(document.update.byteLength / 2 ** 20).toFixed(1)} MB document`;
    const cells = await cellPerServer(context, ['tandem', 'reference'], 'join storm', (server) => runCell(context, server, cell, clientCount, document));
    cells.push(notApplicable(cell, 'relay', METRICS, 'holds no document to load'));
    return {
      id: this.id,
      title: this.title,
      cells,
      notes: [
        'the document (text in 2 KB paragraphs at scattered positions) is uploaded, read back, and the server restarted before the storm',
        `time to sync: from opening the sockets to the arrival of the last missing part; full documents compared for ${FULLY_COMPARED_CLIENTS} clients`,
      ],
    };
  },
};
