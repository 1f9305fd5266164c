import * as Y from 'yjs';
import { RawSyncClient, type RawSyncClientOptions } from '../clients/RawSyncClient.js';
import { runWithConcurrency } from '../clients/runWithConcurrency.js';
import { whenReady } from '../clients/whenReady.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import type { ScenarioContext } from './Scenario.js';

/** Connections opened at once: enough to be quick, few enough not to be a join storm. */
const OPENING_CONCURRENCY = 50;

/**
 * Opens one client per entry of `documentNames` and waits until each is
 * ready (synced, or connected to the relay). The clients' documents are
 * created first and passed in, so `options` callbacks can use them before
 * the first message arrives. Every client is closed when the scenario ends.
 */
export async function openClients(
  context: ScenarioContext,
  server: ServerUnderTest,
  documentNames: string[],
  options: (index: number, doc: Y.Doc) => Omit<RawSyncClientOptions, 'doc' | 'answersSyncStep1'> = () => ({}),
): Promise<RawSyncClient[]> {
  const clients: RawSyncClient[] = [];
  context.defer(() => closeClients(clients));
  await runWithConcurrency(documentNames, OPENING_CONCURRENCY, async (documentName, index) => {
    const doc = new Y.Doc();
    const client = new RawSyncClient(server.url(documentName), { ...options(index, doc), doc, answersSyncStep1: server.holdsState });
    clients[index] = client;
    await whenReady(client, server);
  });
  return clients;
}

export async function closeClients(clients: readonly RawSyncClient[]): Promise<void> {
  await Promise.all(clients.filter((client) => client !== undefined).map((client) => client.close()));
}

/** Why a set of clients cannot be trusted to have converged: one was closed by the server. */
export function unexpectedCloses(clients: readonly RawSyncClient[]): string | null {
  const closed = clients.filter((client) => client.unexpectedClose !== null);
  if (closed.length === 0) return null;
  const first = closed[0]!.unexpectedClose!;
  return `${closed.length} client(s) closed by the server (first: ${first.code} ${first.reason})`;
}
