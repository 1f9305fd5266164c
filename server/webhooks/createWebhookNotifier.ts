import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Webhook } from 'standardwebhooks';
import type { DocumentEvent } from '../rooms/Room.js';
import { DEFAULT_WEBHOOK_RETRY_POLICY, deliverWebhook, loggableUrl, type WebhookMessage, type WebhookRetryPolicy } from './deliverWebhook.js';
import { webhookSigningKey } from './webhookSigningKey.js';

/** What a receiver gets: no content (it can fetch that from the API), only what happened to which document. */
export interface WebhookBody {
  type: 'document.created' | 'document.changed' | 'document.deleted';
  /** When it happened (for `document.changed`, the last change covered), ISO 8601. */
  timestamp: string;
  data: {
    name: string;
    /** The document's title, when it has one and the server has the document open. */
    title?: string;
    /** Bytes of the whole document as one Yjs update, when the server has the document open. */
    size?: number;
    /** The document's page; only when the server knows its public URL (`PUBLIC_URL`). */
    url?: string;
  };
}

/** What a webhook body says of a document besides its name: its title (first heading) and its size as one Yjs update. */
export interface DocumentDescription {
  title: string | null;
  size: number;
}

export interface WebhookNotifierOptions {
  urls: readonly string[];
  /** `WEBHOOK_SECRET`; see `webhookSigningKey` for how it becomes the key. */
  secret: string;
  logger: Logger;
  /** `document.changed` is sent this long after a document's last change… */
  debounceMs: number;
  /** …and at least this often while changes keep coming. */
  maxWaitMs: number;
  /** Base of `data.url` (`PUBLIC_URL`), or `null` to leave it out. */
  publicUrl: string | null;
  /** Title and size of an open document, read when its event is queued; `undefined` when it is not open. */
  describe: (documentName: string) => DocumentDescription | undefined;
  /** Default `DEFAULT_WEBHOOK_RETRY_POLICY`. */
  retry?: Partial<WebhookRetryPolicy>;
  /** Events waiting per URL; past it the oldest waiting one is dropped with a warning. Default 1000. */
  maxQueuedEvents?: number;
  /** How long `close()` keeps delivering what is queued. Default 3000 ms. */
  closeTimeoutMs?: number;
}

export interface WebhookNotifierStats {
  /** Events delivered (a 2xx), counted per URL. */
  delivered: number;
  /** Events given up on after their last attempt or a final answer, counted per URL. */
  failed: number;
  /** Events dropped unsent because a URL's queue was full, counted per URL. */
  dropped: number;
  /** Events waiting or in flight, over all URLs. */
  queued: number;
  /** Documents whose `document.changed` waits for its debounce. */
  pendingChanges: number;
}

export interface WebhookNotifier {
  /** Takes a document event (see `RoomRegistryOptions.onDocumentEvent`). Never blocks and never throws. */
  notify(event: DocumentEvent): void;
  stats(): WebhookNotifierStats;
  /**
   * Sends the pending `document.changed` events now, then keeps delivering
   * until every queue is empty or `closeTimeoutMs` has passed (what is left is
   * logged and dropped). Never rejects. Events notified afterwards are ignored.
   */
  close(): Promise<void>;
  /** Takes the title and size for the document's waiting change event now: its room is about to be unloaded. */
  rememberDescription(documentName: string): void;
}

interface PendingChange {
  timer: NodeJS.Timeout;
  /** The first change not yet reported, for the max wait. */
  firstAt: number;
  lastAt: number;
  /** Title and size taken when the document's room was unloaded, for when the event goes out after that. */
  description?: DocumentDescription;
}


interface Outbox {
  url: string;
  messages: WebhookMessage[];
  /** Set while a worker delivers the head of `messages`. */
  running: Promise<void> | null;
}

/**
 * Turns document events into signed webhook deliveries. `document.changed` is
 * debounced per document (with a max wait); `document.deleted` cancels a
 * pending one. Each URL has a bounded queue delivered one event at a time, so
 * a receiver sees a document's events in order. Delivery runs beside editing:
 * `notify` only records the event.
 *
 * @example
 * const notifier = createWebhookNotifier({ urls: ['https://hooks.example/tandem'], secret, logger, debounceMs: 2000, maxWaitMs: 30_000, publicUrl: null, describe: () => undefined });
 * const registry = new RoomRegistry({ ...options, onDocumentEvent: notifier.notify });
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const { logger, debounceMs, maxWaitMs } = options;
  const webhook = new Webhook(webhookSigningKey(options.secret), { format: 'raw' });
  const policy: WebhookRetryPolicy = { ...DEFAULT_WEBHOOK_RETRY_POLICY, ...options.retry };
  const maxQueuedEvents = options.maxQueuedEvents ?? 1000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 3000;
  const pendingChanges = new Map<string, PendingChange>();
  const outboxes: Outbox[] = options.urls.map((url) => ({ url, messages: [], running: null }));
  // Aborted when close() runs out of time: stops requests in flight and waits between attempts.
  const shutdown = new AbortController();
  const counts = { delivered: 0, failed: 0, dropped: 0 };
  let closing: Promise<void> | null = null;
  logger.info({ urls: options.urls.map(loggableUrl), debounceMs, maxWaitMs }, 'webhooks on');

  function notify(event: DocumentEvent): void {
    if (closing) {
      logger.debug({ documentName: event.documentName, type: event.type }, 'webhooks are closed; event not sent');
      return;
    }
    if (event.type === 'changed') {
      scheduleChange(event.documentName);
      return;
    }
    // A change still waiting is older than this event; a deleted document's changes are moot.
    const pending = pendingChanges.get(event.documentName);
    if (pending) {
      clearTimeout(pending.timer);
      pendingChanges.delete(event.documentName);
      if (event.type !== 'deleted') enqueue('changed', event.documentName, pending.lastAt, pending.description);
    }
    enqueue(event.type, event.documentName, Date.now());
  }

  function scheduleChange(documentName: string): void {
    const now = Date.now();
    const pending = pendingChanges.get(documentName);
    if (pending) clearTimeout(pending.timer);
    const firstAt = pending?.firstAt ?? now;
    const delay = Math.max(0, Math.min(debounceMs, firstAt + maxWaitMs - now));
    pendingChanges.set(documentName, {
      firstAt,
      lastAt: now,
      timer: setTimeout(() => sendPendingChange(documentName), delay),
      ...(pending?.description ? { description: pending.description } : {}),
    });
  }

  function sendPendingChange(documentName: string): void {
    const pending = pendingChanges.get(documentName);
    if (!pending) return;
    clearTimeout(pending.timer);
    pendingChanges.delete(documentName);
    enqueue('changed', documentName, pending.lastAt, pending.description);
  }

  function rememberDescription(documentName: string): void {
    const pending = pendingChanges.get(documentName);
    const description = pending && options.describe(documentName);
    if (description) pending.description = description;
  }

  function enqueue(type: DocumentEvent['type'], documentName: string, at: number, lastDescription?: DocumentDescription): void {
    const message = toMessage(type, documentName, at, lastDescription);
    for (const outbox of outboxes) {
      outbox.messages.push(message);
      // The head is in flight while a worker runs; the oldest one still waiting goes.
      const firstWaiting = outbox.running ? 1 : 0;
      if (outbox.messages.length - firstWaiting > maxQueuedEvents) {
        const [dropped] = outbox.messages.splice(firstWaiting, 1);
        counts.dropped += 1;
        logger.warn(
          { eventId: dropped?.id, type: dropped?.type, documentName: dropped?.documentName, url: loggableUrl(outbox.url), droppedEvents: counts.dropped },
          `webhook queue full (${maxQueuedEvents} events); dropped the oldest`,
        );
      }
      outbox.running ??= drain(outbox);
    }
  }

  function toMessage(type: DocumentEvent['type'], documentName: string, at: number, lastDescription?: DocumentDescription): WebhookMessage {
    const data: WebhookBody['data'] = { name: documentName };
    if (type !== 'deleted') {
      // Live if the document is open; else as it was when its room was unloaded.
      const described = options.describe(documentName) ?? lastDescription;
      if (described?.title) data.title = described.title;
      if (described) data.size = described.size;
      if (options.publicUrl !== null) data.url = `${options.publicUrl}/d/${documentName}`;
    }
    const body: WebhookBody = { type: `document.${type}`, timestamp: new Date(at).toISOString(), data };
    // The same id on every attempt and every URL: it is what receivers de-duplicate retries by.
    return { id: `msg_${randomUUID().replaceAll('-', '')}`, type: body.type, documentName, body: JSON.stringify(body) };
  }

  /** Delivers an outbox's messages one at a time until it is empty; then leaves it for the next `enqueue` to restart. */
  async function drain(outbox: Outbox): Promise<void> {
    // Let notify() return before the first request starts.
    await Promise.resolve();
    for (let message = outbox.messages[0]; message !== undefined && !shutdown.signal.aborted; message = outbox.messages[0]) {
      try {
        const attempts = await deliverWebhook({ url: outbox.url, message, webhook, policy, signal: shutdown.signal, logger });
        counts.delivered += 1;
        logger.debug({ eventId: message.id, type: message.type, documentName: message.documentName, url: loggableUrl(outbox.url), attempts }, 'webhook delivered');
      } catch (error) {
        if (shutdown.signal.aborted) break;
        counts.failed += 1;
        logger.error(
          { err: error, eventId: message.id, type: message.type, documentName: message.documentName, url: loggableUrl(outbox.url) },
          'giving up on a webhook delivery',
        );
      }
      outbox.messages.shift();
    }
    outbox.running = null;
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      for (const documentName of [...pendingChanges.keys()]) sendPendingChange(documentName);
      const drained = Promise.all(outboxes.map((outbox) => outbox.running));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), closeTimeoutMs);
      });
      const outcome = await Promise.race([drained, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        shutdown.abort(new Error('the server is stopping'));
        await drained;
        const undelivered = outboxes.reduce((sum, outbox) => sum + outbox.messages.length, 0);
        logger.warn({ undelivered, timeoutMs: closeTimeoutMs }, 'stopping with webhook events undelivered');
      }
    })();
    return closing;
  }

  return {
    notify,
    stats: () => ({ ...counts, queued: outboxes.reduce((sum, outbox) => sum + outbox.messages.length, 0), pendingChanges: pendingChanges.size }),
    close,
    rememberDescription,
  };
}
