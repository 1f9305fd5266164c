import type * as Y from 'yjs';
import { DeliveryTracker } from '../clients/DeliveryTracker.js';
import { waitUntil } from '../clients/waitUntil.js';
import { allConverged } from '../convergence.js';
import { measureProcess } from '../processStats.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { summarizeLatencies } from '../stats.js';
import { closeClients, openClients, unexpectedCloses } from './openClients.js';
import { cellPerServer, type CellResult, type Scenario, type ScenarioContext } from './Scenario.js';

/** Updates the writer may have in flight (sent, not yet seen by the observer): its backpressure. */
const WINDOW = 100;
const PEERS = 5;
const PROBE_INTERVAL_MS = 50;
/** Longest the writer waits for the observer before the cell is reported stalled. */
const STALL_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 15_000;

const WRITER = 0;
const OBSERVER = 1;
const PROBER = 2;
const FIRST_PEER = 3;

const CELL = `1 writer (window ${WINDOW}), ${PEERS} peers probed every ${PROBE_INTERVAL_MS} ms`;

/** Resolves true at the next `wake()`, false after `timeoutMs`. */
function nextWake(timeoutMs: number, signal: AbortSignal, install: (wake: () => void) => void): Promise<boolean> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const timer = setTimeout(() => resolve(false), timeoutMs);
    install(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * One client floods updates as fast as they come back: it keeps at most
 * WINDOW updates unseen by an observer client. Meanwhile a prober sends a
 * small update every PROBE_INTERVAL_MS and PEERS other clients time its
 * arrival: what a flood does to everyone else's latency.
 */
async function runCell(context: ScenarioContext, server: ServerUnderTest, floodMs: number): Promise<CellResult> {
  const flood = new DeliveryTracker();
  const probes = new DeliveryTracker();
  const clientCount = FIRST_PEER + PEERS;
  const delivered = new Array<number>(clientCount).fill(0);
  let observed = 0;
  let wakeWriter: (() => void) | null = null;
  const docs: Y.Doc[] = [];
  const documentName = `throughput-${server.name}-${Date.now().toString(36)}`;
  const clients = await openClients(context, server, new Array<string>(clientCount).fill(documentName), (index, doc) => {
    docs[index] = doc;
    return {
      applyOnReceipt: false,
      onPayload: (payload, receivedAt) => {
        const floodDelivered = flood.deliver(doc, payload, receivedAt, false);
        delivered[index]! += floodDelivered + probes.deliver(doc, payload, receivedAt, index >= FIRST_PEER);
        if (index === OBSERVER && floodDelivered > 0) {
          observed += floodDelivered;
          wakeWriter?.();
        }
      },
    };
  });
  const writer = docs[WRITER]!;
  const prober = docs[PROBER]!;
  const floodText = writer.getText('flood');

  const usage = measureProcess(server.pid);
  let probesSent = 0;
  const probeTimer = setInterval(() => {
    probes.markSent(prober);
    const probeText = prober.getText('probes');
    probeText.insert(probeText.length, 'p');
    probesSent += 1;
  }, PROBE_INTERVAL_MS);
  const started = performance.now();
  let sent = 0;
  let stalled = false;
  try {
    while (performance.now() - started < floodMs && !stalled) {
      while (sent - observed < WINDOW) {
        flood.markSent(writer);
        floodText.insert(floodText.length, 'x');
        sent += 1;
      }
      stalled = !(await nextWake(STALL_TIMEOUT_MS, context.signal, (wake) => (wakeWriter = wake)));
    }
  } finally {
    clearInterval(probeTimer);
  }
  const updatesPerSecond = observed / ((performance.now() - started) / 1000);
  const expected = (index: number) => (index === WRITER ? 0 : sent) + (index === PROBER ? 0 : probesSent);
  const drained = await waitUntil(() => delivered.every((count, index) => count >= expected(index)), DRAIN_TIMEOUT_MS, context.signal);
  const { cpuSeconds, peakRssBytes } = usage();

  const closed = unexpectedCloses(clients);
  for (const client of clients) client.applyReceived();
  const converged = !stalled && drained && closed === null && allConverged(docs);
  await closeClients(clients);
  const probeLatency = summarizeLatencies(probes.latencies);
  return {
    cell: CELL,
    server: server.name,
    metrics: {
      'updates/s': updatesPerSecond,
      'probe p50 ms': probeLatency.p50,
      'probe p99 ms': probeLatency.p99,
      'server CPU s': cpuSeconds,
      'server peak RSS MB': peakRssBytes / 2 ** 20,
    },
    converged,
    ...(converged ? {} : { note: closed ?? (stalled ? `the observer saw nothing for ${STALL_TIMEOUT_MS} ms` : drained ? 'documents differ' : `not every update arrived within ${DRAIN_TIMEOUT_MS} ms`) }),
  };
}

export const throughput: Scenario = {
  id: 'throughput',
  title: 'b. Single-writer throughput with backpressure, and other peers\' latency meanwhile',
  budgetMs: (settings) => (settings.quick ? 25_000 : 60_000),
  async run(context) {
    const floodMs = context.quick ? 1500 : 4000;
    const cells = await cellPerServer(context, ['tandem', 'reference', 'relay'], 'throughput', (server) => runCell(context, server, floodMs));
    return { id: this.id, title: this.title, cells, notes: [`${floodMs} ms of flooding per server`] };
  },
};
