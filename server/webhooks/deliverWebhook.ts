import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import type { Logger } from 'pino';
import type { Webhook } from 'standardwebhooks';

/** How hard one event is pushed to one URL. */
export interface WebhookRetryPolicy {
  /** Attempts in all, the first included. Default 6 (over about a minute with the delays below). */
  attempts: number;
  /** Delay before the first retry; doubled for each further one and multiplied by a random 1–2 (jitter). Default 1000 ms. */
  minDelayMs: number;
  /** Longest delay between two attempts. Default 30 000 ms. */
  maxDelayMs: number;
  /** A `Retry-After` on a 429 or 5xx is waited for, up to this long, before the usual delay. Default 60 000 ms. */
  maxRetryAfterMs: number;
  /** Time limit of each request, response headers included. Default 10 000 ms. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY_POLICY: WebhookRetryPolicy = {
  attempts: 6,
  minDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
  timeoutMs: 10_000,
};

/** One signed event: the same id and body on every attempt, so receivers can drop repeats. */
export interface WebhookMessage {
  id: string;
  type: string;
  documentName: string;
  body: string;
}

export interface DeliverWebhookOptions {
  url: string;
  message: WebhookMessage;
  /** Signs each attempt (with its own timestamp). */
  webhook: Webhook;
  policy: WebhookRetryPolicy;
  /** Aborts the request in flight and any wait between attempts (server shutdown). */
  signal: AbortSignal;
  logger: Logger;
}

/** A receiver's answer that was not 2xx. */
export class WebhookResponseError extends Error {
  readonly status: number;
  /** From `Retry-After`, when the answer had one. */
  readonly retryAfterMs: number | null;

  constructor(status: number, retryAfterMs: number | null) {
    super(`receiver answered HTTP ${status}`);
    this.name = 'WebhookResponseError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * POSTs one event to one URL, signed as the Standard Webhooks spec says
 * (`webhook-id`, `webhook-timestamp`, `webhook-signature`), and retries network
 * errors, timeouts, 429 and 5xx with exponential backoff and jitter. Other
 * answers (3xx, 4xx) are final. Logs every failed attempt; resolves with the
 * number of attempts it took, rejects with the last failure.
 */
export async function deliverWebhook(options: DeliverWebhookOptions): Promise<number> {
  const { url, message, webhook, policy, signal, logger } = options;
  const context = { eventId: message.id, type: message.type, documentName: message.documentName, url: loggableUrl(url) };
  let attempts = 0;
  await pRetry(
    async (attempt) => {
      attempts = attempt;
      const timestamp = new Date();
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Tandem-Webhooks',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': webhook.sign(message.id, timestamp, message.body),
          },
          body: message.body,
          // A redirect is a receiver's configuration mistake; following it would re-post the body to wherever it points.
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(policy.timeoutMs)]),
        });
      } catch (error) {
        if (signal.aborted) throw new AbortError(error instanceof Error ? error : String(error));
        // A timeout is a DOMException, not the TypeError p-retry treats as a network error: both are retried.
        throw error instanceof Error && error.name === 'TimeoutError' ? new Error(`no answer within ${policy.timeoutMs} ms`, { cause: error }) : error;
      }
      // The body is not read; cancelling it frees the connection.
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return;
      const failure = new WebhookResponseError(response.status, retryAfterMs(response.headers.get('retry-after')));
      if (response.status === 429 || response.status >= 500) throw failure;
      logger.warn({ ...context, attempt, status: response.status }, 'webhook delivery refused; not retrying');
      throw new AbortError(failure);
    },
    {
      retries: policy.attempts - 1,
      factor: 2,
      minTimeout: policy.minDelayMs,
      maxTimeout: policy.maxDelayMs,
      randomize: true,
      signal,
      unref: true,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const status = error instanceof WebhookResponseError ? error.status : undefined;
        logger.warn(
          { ...context, attempt: attemptNumber, status, err: status === undefined ? error : undefined, retriesLeft },
          retriesLeft > 0 ? 'webhook delivery failed; retrying' : 'webhook delivery failed',
        );
        const wait = error instanceof WebhookResponseError ? error.retryAfterMs : null;
        if (wait !== null && retriesLeft > 0) await sleep(Math.min(wait, policy.maxRetryAfterMs), undefined, { signal, ref: false });
      },
    },
  );
  return attempts;
}

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date; `null` when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A URL fit for logs: no credentials, query or fragment (receivers often put a token there). */
export function loggableUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
