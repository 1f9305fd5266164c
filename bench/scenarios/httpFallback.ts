import ws from 'ws';
import { createFallbackWebSocket, type FallbackWebSocketClass } from '../../web/src/transport/createFallbackWebSocket.js';
import type { Transport } from '../../web/src/transport/Transport.js';
import { BlockedWebSocket } from '../clients/BlockedWebSocket.js';
import { connectBrowserSocket, type BrowserSocket } from '../clients/connectBrowserSocket.js';
import { holdEventStreams } from '../clients/holdEventStreams.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import { summarizeLatencies } from '../stats.js';
import { mergeRuns, type CellRun } from './mergeRuns.js';
import { clientBoundNotes, FULLY_COMPARED_CLIENTS, runFanOut } from './runFanOut.js';
import type { CellResult, Metric, Scenario, ScenarioContext, ScenarioSettings } from './Scenario.js';

interface FallbackCell {
  clients: number;
  /** Total over all writers, who take turns (round-robin over all clients, whatever their transport). */
  updatesPerSecond: number;
}

const CELLS: FallbackCell[] = [
  { clients: 20, updatesPerSecond: 100 },
  { clients: 60, updatesPerSecond: 300 },
];

const QUICK_CELLS: FallbackCell[] = [
  { clients: 8, updatesPerSecond: 50 },
  { clients: 20, updatesPerSecond: 100 },
];

function plan(settings: ScenarioSettings) {
  return settings.quick
    ? { cells: QUICK_CELLS, sendMs: 1000, repeats: 1, drainTimeoutMs: 8000 }
    : { cells: CELLS, sendMs: 3000, repeats: 3, drainTimeoutMs: 15_000 };
}

/**
 * How the second half of a run's clients travel (the first half is on WebSockets): over one
 * fallback transport, or on WebSockets too, for reference. Event stream and polling get a run
 * each: every poll answered is a request, and the polling clients' requests would take the load
 * generator's core from everyone else (with 20 clients at 100 updates/s it was about 60% busy with
 * a polling half, 25% with an event-stream half, 14% with all on WebSockets).
 */
type Mix = Transport;
const MIXES: readonly Mix[] = ['http-sse', 'http-poll', 'websocket'];

const LABELS: Record<Transport, string> = { websocket: 'WebSocket', 'http-sse': 'HTTP-SSE', 'http-poll': 'HTTP-poll' };
/** Both HTTP transports send the same way, by POST. */
const SENDS_BY = { websocket: 'WebSocket', 'http-sse': 'HTTP POST', 'http-poll': 'HTTP POST' } as const;
/** What the fallback's receiving is called in the added-latency figures. */
const RECEIVING: Record<Exclude<Mix, 'websocket'>, string> = { 'http-sse': 'SSE', 'http-poll': 'polling' };
/** No WebSocket probe while a run lasts (the default, 30 s, could fall in one): the transports stay as they opened. */
const NO_PROBE_MS = 60 * 60_000;
/** How long a held event stream is waited for before polling takes over (the default, 3 s, only slows opening down here). */
const SSE_OPEN_TIMEOUT_MS = 100;

/**
 * The transport client `index` is meant to use: WebSocket for the first half, the fallback for the
 * second, so the clients `runFanOut` compares whole (evenly spaced indexes) come from both halves.
 */
function plannedTransport(index: number, clients: number, mix: Mix): Transport {
  return index < clients / 2 ? 'websocket' : mix;
}

function cellName(cell: FallbackCell, mix: Mix): string {
  const fallbacks = Math.floor(cell.clients / 2);
  const split = mix === 'websocket' ? 'all WebSocket' : `${cell.clients - fallbacks} WebSocket + ${fallbacks} ${LABELS[mix]}`;
  return `${cell.clients} clients (${split}), ${cell.updatesPerSecond} updates/s`;
}

/**
 * The editor's socket class for each transport, each with a fresh memory of failures: with `ws`
 * it stays on WebSockets; with a blocked WebSocket it falls back to the event stream; with the
 * event stream held back as well (a proxy that buffers it) it falls back to polling.
 */
function socketClasses(): Record<Transport, FallbackWebSocketClass> {
  const blocked = BlockedWebSocket as unknown as typeof WebSocket;
  return {
    websocket: createFallbackWebSocket({ WebSocket: ws as unknown as typeof WebSocket, probeIntervalMs: NO_PROBE_MS }),
    'http-sse': createFallbackWebSocket({ WebSocket: blocked, probeIntervalMs: NO_PROBE_MS }),
    'http-poll': createFallbackWebSocket({ WebSocket: blocked, fetch: holdEventStreams(), sseOpenTimeoutMs: SSE_OPEN_TIMEOUT_MS, probeIntervalMs: NO_PROBE_MS }),
  };
}

/** Latency percentiles of the deliveries whose group (`writer>receiver` transports) passes `select`, named `${prefix}p50 ms` and so on. */
function percentileMetrics(prefix: string, byGroup: Map<string, number[]>, select: (writer: Transport, receiver: Transport) => boolean): Record<string, Metric> {
  const latencies = [...byGroup].filter(([group]) => select(...(group.split('>') as [Transport, Transport]))).flatMap(([, values]) => values);
  const summary = summarizeLatencies(latencies);
  return { [`${prefix}p50 ms`]: summary.p50, [`${prefix}p95 ms`]: summary.p95, [`${prefix}p99 ms`]: summary.p99 };
}

/** One run of `cell`: every client in the editor's socket class, the clients of each transport in one block. */
async function runCell(context: ScenarioContext, server: ServerUnderTest, cell: FallbackCell, mix: Mix, sendMs: number, drainTimeoutMs: number, label: string): Promise<CellRun> {
  const classes = socketClasses();
  const sockets: BrowserSocket[] = [];
  const transportOf = (index: number) => sockets[index]!.transport!;
  const run = await runFanOut(context, {
    servers: [server],
    ...cell,
    sendMs,
    drainTimeoutMs,
    label,
    checkLateJoiners: true,
    connect: (index) => connectBrowserSocket((url) => (sockets[index] = new classes[plannedTransport(index, cell.clients, mix)](url))),
    groupOf: (writer, receiver) => `${transportOf(writer)}>${transportOf(receiver)}`,
  });
  const usage = run.serverUsage[0]!;
  const byGroup = run.latenciesByGroup;
  const astray = sockets.filter((socket, index) => socket.transport !== plannedTransport(index, cell.clients, mix)).length;
  const split = (transports: readonly Transport[]): Record<string, Metric> => ({
    ...Object.fromEntries(transports.flatMap((transport) => Object.entries(percentileMetrics(`to ${LABELS[transport]} `, byGroup, (_writer, receiver) => receiver === transport)))),
    ...Object.fromEntries(transports.flatMap((transport) => Object.entries(percentileMetrics(`from ${SENDS_BY[transport]} `, byGroup, (writer) => writer === transport)))),
  });
  return {
    metrics: {
      ...percentileMetrics('', byGroup, () => true),
      ...(mix === 'websocket' ? {} : split(['websocket', mix])),
      'server CPU s': usage.cpuSeconds,
      'server peak RSS MB': usage.peakRssBytes / 2 ** 20,
      'load generator CPU %': run.loadGeneratorCpuPercent,
      'load generator loop delay p99 ms': run.loadGeneratorLoopDelayP99Ms,
    },
    converged: run.converged,
    note: [astray > 0 ? `${astray} client(s) opened on another transport than planned (their deliveries count under the one they used)` : null, run.note].filter((note) => note !== null).join('; ') || null,
  };
}

/**
 * What the fallback adds at p50 and p99, in ms and as a ratio, from the merged cells' figures:
 * receiving over it, and sending by POST, against the WebSocket clients of the same runs (a lower
 * bound: they share the load generator's extra work for the HTTP clients) and against the
 * all-WebSocket runs (an upper bound: that work then counts against the fallback alone).
 */
function addedLatencyMetrics(mixed: CellResult, mix: Exclude<Mix, 'websocket'>, allWebSocket: CellResult): Record<string, Metric> {
  const figure = (cell: CellResult, name: string) => cell.metrics[name] ?? Number.NaN;
  const comparisons = [
    { label: RECEIVING[mix], slower: `to ${LABELS[mix]}`, sameRun: `to ${LABELS.websocket}` },
    { label: 'POST', slower: `from ${SENDS_BY[mix]}`, sameRun: `from ${SENDS_BY.websocket}` },
  ];
  const added: Record<string, Metric> = {};
  for (const { label, slower, sameRun } of comparisons) {
    for (const percentile of ['p50', 'p99']) {
      const slow = figure(mixed, `${slower} ${percentile} ms`);
      for (const [baseline, fast] of [
        ['same run', figure(mixed, `${sameRun} ${percentile} ms`)],
        ['all-WebSocket run', figure(allWebSocket, `${percentile} ms`)],
      ] as const) {
        added[`${label} adds ${percentile} ms (vs ${baseline})`] = slow - fast;
        added[`${label} adds ${percentile} x (vs ${baseline})`] = slow / fast;
      }
    }
  }
  return added;
}

export const httpFallback: Scenario = {
  id: 'fallback',
  title: 'h. HTTP fallback: one document, half the clients on WebSockets, half on the HTTP fallback (writer send → arrival at every other client)',
  budgetMs: (settings) => (settings.quick ? 60_000 : 240_000),
  async run(context) {
    const { cells, sendMs, repeats, drainTimeoutMs } = plan(context);
    const [server] = await context.startServers(['tandem']);
    // A short unrecorded run per mix, so the first measured cell pays for no JIT warm-up (the server's HTTP routes, the client's fetch).
    for (const mix of MIXES) await runCell(context, server!, { clients: 8, updatesPerSecond: 100 }, mix, 300, drainTimeoutMs, `warmup-${mix}`);
    const runs = new Map<string, CellRun[]>();
    // The mixes take turns within each repeat, so drift on the machine touches all of them alike.
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      for (const cell of cells) {
        for (const mix of MIXES) {
          const name = cellName(cell, mix);
          context.progress(`fallback: ${name}, run ${repeat + 1}/${repeats}`);
          const run = await runCell(context, server!, cell, mix, sendMs, drainTimeoutMs, `${cell.clients}-${cell.updatesPerSecond}-${mix}-${repeat}`);
          runs.set(name, [...(runs.get(name) ?? []), run]);
        }
      }
    }
    const results = cells.flatMap((cell) => {
      const [sse, poll, allWebSocket] = MIXES.map((mix) => mergeRuns(cellName(cell, mix), 'tandem', runs.get(cellName(cell, mix))!)) as [CellResult, CellResult, CellResult];
      return [
        { ...sse, metrics: { ...sse.metrics, ...addedLatencyMetrics(sse, 'http-sse', allWebSocket) } },
        { ...poll, metrics: { ...poll.metrics, ...addedLatencyMetrics(poll, 'http-poll', allWebSocket) } },
        allWebSocket,
      ];
    });
    return {
      id: this.id,
      title: this.title,
      cells: results,
      notes: [
        `${sendMs} ms of writes per run, median of ${repeats} run(s), the three mixes taking turns; writers round-robin over all clients; one Tandem instance, JSON store`,
        'every client uses the editor\'s createFallbackWebSocket class: WebSocket with ws; HTTP-SSE with a WebSocket that fails at once (a blocking proxy); HTTP-poll with that and a fetch that holds event streams back (a proxy that buffers them)',
        '"to X": deliveries received over X, from every writer; "from X": deliveries sent over X, to every other client (both HTTP transports send by POST)',
        '"SSE/polling adds": to HTTP-SSE/HTTP-poll minus (ms) or over (x) to WebSocket; "POST adds": from HTTP POST against from WebSocket; both from the medians of the runs\' percentiles',
        '"vs same run": against the WebSocket clients of that mix, who share the load generator\'s core with the HTTP clients\' fetch work (a lower bound); "vs all-WebSocket run": against the same cell with every client on WebSockets (an upper bound: in browsers each client has its own CPU)',
        `convergence: every client's deliveries checked exactly; full documents compared for about ${FULLY_COMPARED_CLIENTS} clients from both halves and one late joiner`,
        ...clientBoundNotes(results),
      ],
    };
  },
};
