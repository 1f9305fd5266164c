import * as Y from 'yjs';
import { RawSyncClient } from '../clients/RawSyncClient.js';
import { waitUntil } from '../clients/waitUntil.js';
import { whenReady } from '../clients/whenReady.js';
import { allConverged } from '../convergence.js';
import { buildLargeDocumentUpdate } from '../largeDocument.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import type { ScenarioContext } from './Scenario.js';

const UPLOAD_TIMEOUT_MS = 60_000;

export interface LargeDocument {
  update: Uint8Array;
  textLength: number;
  /** What a client holds once it has the whole document. */
  stateVector: Map<number, number>;
}

/** Built once per size and shared by the scenarios: building 5 MB takes about a second. */
const built = new Map<number, LargeDocument>();

export function largeDocument(bytes: number): LargeDocument {
  let document = built.get(bytes);
  if (!document) {
    const { update, textLength } = buildLargeDocumentUpdate(bytes);
    document = { update, textLength, stateVector: Y.parseUpdateMeta(update).to };
    built.set(bytes, document);
  }
  return document;
}

/**
 * Uploads `document` through one client, checks a second client reads it
 * all back, then restarts the server: whatever comes next loads it from disk.
 */
export async function storeAndRestart(context: ScenarioContext, server: ServerUnderTest, documentName: string, document: LargeDocument): Promise<void> {
  const source = new Y.Doc();
  Y.applyUpdate(source, document.update);
  const creator = new RawSyncClient(server.url(documentName), { answersSyncStep1: true, doc: source });
  const checker = new RawSyncClient(server.url(documentName), { answersSyncStep1: true });
  context.defer(() => Promise.all([creator.close(), checker.close()]).then(() => undefined));
  await whenReady(creator, server);
  await whenReady(checker, server);
  const text = checker.doc.getText('content');
  if (!(await waitUntil(() => text.length === document.textLength, UPLOAD_TIMEOUT_MS, context.signal))) {
    throw new Error(`${server.name} did not pass on the ${document.update.byteLength}-byte document within ${UPLOAD_TIMEOUT_MS} ms`);
  }
  await Promise.all([creator.close(), checker.close()]);
  await server.restart();
}

function covers(have: Map<number, number>, want: Map<number, number>): boolean {
  for (const [client, clock] of want) if ((have.get(client) ?? 0) < clock) return false;
  return true;
}

/**
 * When a client that kept its payloads (`applyOnReceipt: false`) first held
 * the whole document: the arrival time of the payload that completed it, or
 * null if it never did. Worked out after the fact, so the measured clients
 * spend no time on Yjs while the server is still sending.
 */
export function completedAt(payloads: readonly Uint8Array[], arrivals: readonly number[], document: LargeDocument): number | null {
  const have = new Map<number, number>();
  for (const [index, payload] of payloads.entries()) {
    for (const [client, clock] of Y.parseUpdateMeta(payload).to) have.set(client, Math.max(have.get(client) ?? 0, clock));
    if (covers(have, document.stateVector)) return arrivals[index]!;
  }
  return null;
}

/** Whether the sampled clients, once they apply what they received, hold exactly the uploaded document. */
export function sampleMatchesSource(clients: readonly RawSyncClient[], document: LargeDocument, sampleSize: number): boolean {
  const source = new Y.Doc();
  Y.applyUpdate(source, document.update);
  const sample = clients.filter((_client, index) => index % Math.max(1, Math.floor(clients.length / sampleSize)) === 0).slice(0, sampleSize);
  for (const client of sample) client.applyReceived();
  return allConverged([source, ...sample.map((client) => client.doc)]);
}
