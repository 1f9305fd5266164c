import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ClusterStats } from '../cluster/RedisBus.js';
import { MESSAGE_KINDS, messageKind, type MessageKind } from './messageKind.js';

/** What went wrong, for `tandem_errors_total{kind}`: a fixed set, so every kind shows up (at 0) from the first scrape. */
export const ERROR_KINDS = [
  /** A peer sent a frame that breaks the protocol or an invalid Yjs update (closed with 4400). */
  'protocol',
  /** A change would have grown a document past its size limit (closed with 4413). */
  'document_too_large',
  /** A WebSocket frame larger than `--max-message-bytes` (closed with 1009). */
  'message_too_large',
  /** A connection sent messages faster than `--messages-per-second` (closed with 1008). */
  'rate_limited',
  /** An address opened WebSockets faster than `--connections-per-minute-per-ip` (HTTP 429). */
  'connection_rate_limited',
  /** A connection sent nothing within the handshake timeout. */
  'handshake_timeout',
  /** A text frame, or too much sent before the document loaded (closed with 4400). */
  'bad_request',
  /** A peer that stopped reading was dropped (its unsent data passed the limit). */
  'slow_reader',
  /** A document could not be loaded (the peer was closed with 1011). */
  'load_failed',
  /** Appending to a document's log failed (retried with backoff). */
  'storage_log',
  /** Writing a document's snapshot failed (retried; the log still holds every update). */
  'storage_snapshot',
  /** An HTTP request failed with a 500. */
  'http_internal',
  /** Another server instance relayed something that does not decode (dropped), or relaying failed. */
  'cluster',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The writes a save latency is measured for. */
export type SaveKind = 'log' | 'snapshot';

/** What the server reports about its loaded documents at scrape time. */
export interface RoomStats {
  loadedDocuments: number;
  /** Bytes of accepted updates not yet durable in their document's log, summed over documents. */
  unsavedBytes: number;
  /** When the oldest of those updates was accepted (`Date.now()` time), or `null` when everything is saved. */
  oldestUnsavedAt: number | null;
}

export interface ServerMetricsOptions {
  /** Read on every scrape (never cached), so the gauges are exact when Prometheus looks. */
  rooms: () => RoomStats;
  /** HTTP requests being answered right now, read on every scrape. */
  httpRequestsInFlight: () => number;
  /** Webhook delivery counts (see `WebhookNotifierStats`), read on every scrape; absent when webhooks are off. */
  webhooks?: () => { delivered: number; failed: number; dropped: number; queued: number };
  /** What passed between this instance and the others through Redis; absent for a single instance. */
  cluster?: () => ClusterStats;
  /** Open HTTP fallback sessions (clients whose WebSockets are blocked); absent in unit tests. */
  httpSessions?: () => number;
  /** The store's database connections (PostgreSQL); absent for stores without any. */
  storeConnections?: () => { total: number; idle: number; waiting: number };
  /** Also collect Node's process metrics (memory, CPU, event loop lag), prefixed `tandem_`. Default true. */
  processMetrics?: boolean;
}

/**
 * The server's Prometheus metrics, in a registry of its own (never prom-client's
 * global one: a test process runs several servers). Label values come from
 * fixed lists, never from document names, so the number of series stays bounded.
 */
export interface ServerMetrics {
  readonly registry: Registry;
  /** A WebSocket was admitted. Pair with `connectionClosed`. */
  connectionOpened(): void;
  connectionClosed(): void;
  /** A WebSocket was refused: `code` is the close code it got (or 429, the HTTP status of an address over its rate). */
  connectionRefused(code: number): void;
  /** A frame from a client. */
  received(frame: Uint8Array): void;
  /** A frame to a client (a broadcast is counted once per recipient). */
  sent(frame: Uint8Array): void;
  /** Measures a write to the store; failures are not observed (they count as errors). */
  timeSave<T>(kind: SaveKind, write: () => Promise<T>): Promise<T>;
  error(kind: ErrorKind): void;
}

interface TrafficCounts {
  messagesIn: number;
  bytesIn: number;
  messagesOut: number;
  bytesOut: number;
}

/** @example const metrics = createServerMetrics({ rooms: () => registry.stats(), httpRequestsInFlight: () => 0 }); */
export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'tandem_' });

  const openConnections = new Gauge({ name: 'tandem_open_connections', help: 'WebSocket connections open now.', registers });
  const accepted = new Counter({ name: 'tandem_connections_accepted_total', help: 'WebSocket connections admitted.', registers });
  const refused = new Counter({
    name: 'tandem_connections_refused_total',
    help: 'WebSocket connections refused, by the close code they got (429: an address over its connection rate, refused with HTTP 429).',
    labelNames: ['code'] as const,
    registers,
  });
  // Counted per frame in and per recipient out (100,000s a second in a busy room): plain numbers on
  // that path, copied into the Prometheus counters when they are scraped.
  const traffic = Object.fromEntries(MESSAGE_KINDS.map((kind) => [kind, { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0 }])) as Record<MessageKind, TrafficCounts>;
  const trafficCounter = (name: string, help: string, field: keyof TrafficCounts) =>
    new Counter({
      name,
      help,
      labelNames: ['type'] as const,
      registers,
      collect() {
        this.reset();
        for (const type of MESSAGE_KINDS) this.inc({ type }, traffic[type][field]);
      },
    });
  trafficCounter('tandem_messages_received_total', 'Frames received from clients, by message type.', 'messagesIn');
  trafficCounter('tandem_received_bytes_total', 'Bytes of frames received from clients, by message type.', 'bytesIn');
  trafficCounter('tandem_messages_sent_total', 'Frames sent to clients, by message type (a broadcast counts once per recipient).', 'messagesOut');
  trafficCounter('tandem_sent_bytes_total', 'Bytes of frames sent to clients, by message type.', 'bytesOut');
  const saveSeconds = new Histogram({
    name: 'tandem_save_duration_seconds',
    help: 'Time to make a write durable: a batch appended to a document log (log), or a document snapshot (snapshot).',
    labelNames: ['kind'] as const,
    // An fsync is about a millisecond on an SSD; a large snapshot on a slow disk takes seconds.
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const errors = new Counter({ name: 'tandem_errors_total', help: 'Errors, by kind (see README, "Monitoring").', labelNames: ['kind'] as const, registers });
  new Gauge({
    name: 'tandem_loaded_documents',
    help: 'Documents loaded in memory.',
    registers,
    collect() {
      this.set(options.rooms().loadedDocuments);
    },
  });
  new Gauge({
    name: 'tandem_unsaved_bytes',
    help: 'Bytes of accepted changes not yet durable in their document log, over all documents.',
    registers,
    collect() {
      this.set(options.rooms().unsavedBytes);
    },
  });
  new Gauge({
    name: 'tandem_oldest_unsaved_change_seconds',
    help: 'Age of the oldest accepted change not yet durable in its document log; 0 when everything is saved.',
    registers,
    collect() {
      const oldest = options.rooms().oldestUnsavedAt;
      this.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    },
  });
  new Gauge({
    name: 'tandem_http_requests_in_flight',
    help: 'HTTP requests being answered now (WebSocket connections not included).',
    registers,
    collect() {
      this.set(options.httpRequestsInFlight());
    },
  });

  const webhooks = options.webhooks;
  if (webhooks) {
    new Counter({
      name: 'tandem_webhook_events_total',
      help: 'Webhook events per URL by outcome: delivered (2xx), failed (gave up after retries or a final answer), dropped (queue full).',
      labelNames: ['result'] as const,
      registers,
      collect() {
        // The notifier keeps the totals; a scrape copies them.
        const stats = webhooks();
        this.reset();
        for (const result of ['delivered', 'failed', 'dropped'] as const) this.inc({ result }, stats[result]);
      },
    });
    new Gauge({
      name: 'tandem_webhook_events_queued',
      help: 'Webhook events waiting to be delivered or in flight, over all URLs.',
      registers,
      collect() {
        this.set(webhooks().queued);
      },
    });
  }

  const httpSessions = options.httpSessions;
  if (httpSessions) {
    new Gauge({
      name: 'tandem_http_fallback_sessions',
      help: 'Clients connected over the HTTP fallback (their WebSockets are blocked); they count in tandem_open_connections too.',
      registers,
      collect() {
        this.set(httpSessions());
      },
    });
  }
  const cluster = options.cluster;
  if (cluster) {
    new Gauge({
      name: 'tandem_redis_connected',
      help: '1 while this instance shares documents with the others through Redis, 0 while Redis is unreachable (it relays among its own peers only).',
      registers,
      collect() {
        this.set(cluster().connected ? 1 : 0);
      },
    });
    new Counter({
      name: 'tandem_redis_frames_total',
      help: 'Frames to and from the other instances: published, received, dropped (Redis unreachable; the resync that follows carries their content), malformed (did not decode; dropped).',
      labelNames: ['direction'] as const,
      registers,
      collect() {
        const stats = cluster();
        this.reset();
        this.inc({ direction: 'published' }, stats.framesPublished);
        this.inc({ direction: 'received' }, stats.framesReceived);
        this.inc({ direction: 'dropped' }, stats.framesDropped);
        this.inc({ direction: 'malformed' }, stats.malformedFrames);
      },
    });
    new Counter({
      name: 'tandem_redis_bytes_total',
      help: 'Bytes of frames published to and received from the other instances.',
      labelNames: ['direction'] as const,
      registers,
      collect() {
        const stats = cluster();
        this.reset();
        this.inc({ direction: 'published' }, stats.bytesPublished);
        this.inc({ direction: 'received' }, stats.bytesReceived);
      },
    });
    new Counter({
      name: 'tandem_redis_resyncs_total',
      help: 'Times Redis came back and every open document was resynchronised with the other instances.',
      registers,
      collect() {
        this.reset();
        this.inc(cluster().resyncs);
      },
    });
  }
  const storeConnections = options.storeConnections;
  if (storeConnections) {
    new Gauge({
      name: 'tandem_postgres_connections',
      help: 'Connections in the PostgreSQL pool: total, idle, and calls waiting for one.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const stats = storeConnections();
        for (const state of ['total', 'idle', 'waiting'] as const) this.set({ state }, stats[state]);
      },
    });
  }

  // Every series of a fixed label set exists from the start: `rate()` needs the zero before the first increment.
  for (const kind of ERROR_KINDS) errors.inc({ kind }, 0);
  for (const kind of ['log', 'snapshot'] as const) saveSeconds.zero({ kind });

  return {
    registry,
    connectionOpened() {
      accepted.inc();
      openConnections.inc();
    },
    connectionClosed() {
      openConnections.dec();
    },
    connectionRefused(code) {
      refused.inc({ code: String(code) });
    },
    received(frame) {
      const counts = traffic[messageKind(frame)];
      counts.messagesIn += 1;
      counts.bytesIn += frame.byteLength;
    },
    sent(frame) {
      const counts = traffic[messageKind(frame)];
      counts.messagesOut += 1;
      counts.bytesOut += frame.byteLength;
    },
    async timeSave(kind, write) {
      const startedAt = performance.now();
      const result = await write();
      saveSeconds.observe({ kind }, (performance.now() - startedAt) / 1000);
      return result;
    },
    error(kind) {
      errors.inc({ kind });
    },
  };
}
