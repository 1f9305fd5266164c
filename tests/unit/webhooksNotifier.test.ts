import { pino } from 'pino';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWebhookNotifier, type WebhookNotifier, type WebhookNotifierOptions } from '../../server/webhooks/createWebhookNotifier.js';
import { retryAfterMs } from '../../server/webhooks/deliverWebhook.js';
import { standardWebhookSecret } from '../../server/webhooks/webhookSigningKey.js';
import { closedPort } from '../support/closedPort.js';
import { waitFor } from '../support/waitFor.js';
import { WebhookReceiver } from '../support/WebhookReceiver.js';

const SECRET = 'a-webhook-secret-of-at-least-32-characters';
/** Delays small enough for tests; the attempts and backoff shape are the production ones. */
const FAST_RETRY = { attempts: 4, minDelayMs: 10, maxDelayMs: 50, timeoutMs: 2000 };

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

let receiver: WebhookReceiver;
let notifier: WebhookNotifier | null = null;
let logs: LogLine[];

beforeEach(async () => {
  receiver = await WebhookReceiver.start();
  logs = [];
});

afterEach(async () => {
  await notifier?.close();
  notifier = null;
  await receiver.close();
});

function start(options: Partial<WebhookNotifierOptions> = {}): WebhookNotifier {
  notifier = createWebhookNotifier({
    urls: [receiver.url],
    secret: SECRET,
    logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line) as LogLine) }),
    debounceMs: 50,
    maxWaitMs: 10_000,
    publicUrl: null,
    describe: () => undefined,
    retry: FAST_RETRY,
    closeTimeoutMs: 2000,
    ...options,
  });
  return notifier;
}

function waitForStats(check: (stats: ReturnType<WebhookNotifier['stats']>) => boolean, description: string): Promise<true> {
  return waitFor(() => check(notifier!.stats()), { description: `${description} (stats ${JSON.stringify(notifier?.stats())})` });
}

describe('webhook signing', () => {
  it('signs with the Standard Webhooks scheme; the documented secret verifies it and a tampered body fails', async () => {
    start({ publicUrl: 'https://docs.example', describe: () => ({ title: 'Plan', size: 42 }) });
    notifier!.notify({ type: 'created', documentName: 'plan' });
    const request = await receiver.waitFor(() => true, 'a delivery');

    expect(request.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(request.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(request.headers['content-type']).toBe('application/json');
    const verifier = new Webhook(standardWebhookSecret(SECRET));
    expect(verifier.verify(request.body, request.headers)).toEqual({
      type: 'document.created',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { name: 'plan', title: 'Plan', size: 42, url: 'https://docs.example/d/plan' },
    });
    // The key is the secret's UTF-8 bytes, so raw-key verifiers agree too.
    expect(() => new Webhook(SECRET, { format: 'raw' }).verify(request.body, request.headers)).not.toThrow();
    expect(() => verifier.verify(request.body.replace('plan', 'plans'), request.headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(standardWebhookSecret(`${SECRET}x`)).verify(request.body, request.headers)).toThrow(WebhookVerificationError);
  });

  it('uses a whsec_ secret as Standard Webhooks libraries do', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    start({ secret });
    notifier!.notify({ type: 'deleted', documentName: 'old' });
    const request = await receiver.waitFor(() => true, 'a delivery');
    expect(new Webhook(secret).verify(request.body, request.headers)).toMatchObject({ type: 'document.deleted', data: { name: 'old' } });
    expect(standardWebhookSecret(secret)).toBe(secret);
  });
});

describe('webhook events', () => {
  it('debounces document.changed per document: a burst of changes is one event, later changes another', async () => {
    start();
    for (let index = 0; index < 10; index += 1) notifier!.notify({ type: 'changed', documentName: 'notes' });
    notifier!.notify({ type: 'changed', documentName: 'other' });
    await receiver.waitForCount((request) => request.json.type === 'document.changed', 2, 'changed events');
    // Nothing else is waiting or on its way: exactly one event per document.
    await waitForStats((stats) => stats.delivered === 2 && stats.queued === 0 && stats.pendingChanges === 0, 'both delivered');
    expect(receiver.ofType('document.changed', 'notes')).toHaveLength(1);
    expect(receiver.ofType('document.changed', 'other')).toHaveLength(1);

    notifier!.notify({ type: 'changed', documentName: 'notes' });
    await receiver.waitForCount((request) => request.json.data.name === 'notes', 2, 'a second changed event');
    const [first, second] = receiver.ofType('document.changed', 'notes');
    expect(second!.headers['webhook-id']).not.toBe(first!.headers['webhook-id']);
  });

  it('sends document.changed at least every max wait while changes keep coming', async () => {
    start({ debounceMs: 200, maxWaitMs: 300 });
    let changes = 0;
    const typing = setInterval(() => {
      changes += 1;
      notifier!.notify({ type: 'changed', documentName: 'busy' });
    }, 20);
    try {
      // The typing stops only once this arrives: the debounce alone would wait for it to stop.
      await receiver.waitFor((request) => request.json.type === 'document.changed', 'a changed event while typing continues');
    } finally {
      clearInterval(typing);
    }
    expect(changes).toBeGreaterThan(5);
  });

  it('document.deleted cancels a pending document.changed', async () => {
    start({ debounceMs: 60_000, maxWaitMs: 60_000 });
    notifier!.notify({ type: 'changed', documentName: 'gone' });
    notifier!.notify({ type: 'deleted', documentName: 'gone' });
    await receiver.waitFor((request) => request.json.type === 'document.deleted', 'the deleted event');
    await waitForStats((stats) => stats.delivered === 1 && stats.queued === 0, 'delivered');
    expect(notifier!.stats().pendingChanges).toBe(0);
    expect(receiver.received.map((request) => request.json.type)).toEqual(['document.deleted']);
  });

  it('delivers in order, one at a time per URL, to every URL', async () => {
    const second = await WebhookReceiver.start();
    try {
      start({ urls: [receiver.url, second.url] });
      for (const name of ['a', 'b', 'c', 'd']) notifier!.notify({ type: 'created', documentName: name });
      for (const target of [receiver, second]) {
        await target.waitForCount(() => true, 4, 'four deliveries');
        expect(target.received.map((request) => request.json.data.name)).toEqual(['a', 'b', 'c', 'd']);
      }
      // The same event has the same id at every URL.
      expect(second.received.map((request) => request.headers['webhook-id'])).toEqual(receiver.received.map((request) => request.headers['webhook-id']));
    } finally {
      await second.close();
    }
  });

  it('sends pending document.changed events on close', async () => {
    start({ debounceMs: 60_000, maxWaitMs: 60_000 });
    notifier!.notify({ type: 'changed', documentName: 'draft' });
    expect(receiver.received).toHaveLength(0);
    await notifier!.close();
    expect(receiver.ofType('document.changed', 'draft')).toHaveLength(1);
    notifier!.notify({ type: 'created', documentName: 'late' });
    expect(notifier!.stats().queued).toBe(0);
  });

  it('close gives up after its time limit when a receiver hangs', async () => {
    receiver.respond = () => 'hang';
    start({ closeTimeoutMs: 100 });
    notifier!.notify({ type: 'created', documentName: 'stuck' });
    await receiver.waitFor(() => true, 'the hanging request');
    await notifier!.close();
    expect(logs.find((line) => line.msg === 'stopping with webhook events undelivered')).toMatchObject({ undelivered: 1 });
  });
});

describe('webhook retries', () => {
  it('retries 5xx with the same webhook-id until it is accepted', async () => {
    receiver.respond = (request) => ({ status: request.index < 2 ? 500 : 200 });
    start();
    notifier!.notify({ type: 'created', documentName: 'plan' });
    await waitForStats((stats) => stats.delivered === 1, 'the delivery');
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size).toBe(1);
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);
    const failures = logs.filter((line) => line.msg === 'webhook delivery failed; retrying');
    expect(failures.map((line) => [line.attempt, line.status, line.eventId])).toEqual([
      [1, 500, receiver.received[0]!.headers['webhook-id']],
      [2, 500, receiver.received[0]!.headers['webhook-id']],
    ]);
    // Every attempt is signed afresh and verifies.
    for (const request of receiver.received) expect(() => new Webhook(standardWebhookSecret(SECRET)).verify(request.body, request.headers)).not.toThrow();
  });

  it('does not retry a 4xx other than 429, and goes on with the next event', async () => {
    receiver.respond = (request) => ({ status: request.index === 0 ? 400 : 200 });
    start();
    notifier!.notify({ type: 'created', documentName: 'refused' });
    notifier!.notify({ type: 'created', documentName: 'next' });
    await waitForStats((stats) => stats.delivered === 1 && stats.failed === 1, 'one refused, one delivered');
    expect(receiver.received.map((request) => request.json.data.name)).toEqual(['refused', 'next']);
    expect(logs.find((line) => line.msg === 'webhook delivery refused; not retrying')).toMatchObject({ status: 400, attempt: 1 });
    expect(logs.find((line) => line.msg === 'giving up on a webhook delivery')).toMatchObject({ level: 50, documentName: 'refused' });
  });

  it('honours Retry-After on 429, up to its cap', async () => {
    receiver.respond = (request) => (request.index === 0 ? { status: 429, headers: { 'Retry-After': '1' } } : request.index === 1 ? { status: 503, headers: { 'Retry-After': '3600' } } : { status: 200 });
    start({ retry: { ...FAST_RETRY, maxRetryAfterMs: 100 } });
    notifier!.notify({ type: 'created', documentName: 'busy' });
    await waitForStats((stats) => stats.delivered === 1, 'the delivery');
    const [first, second, third] = receiver.received;
    // The cap (100 ms) applies to the hour asked for, and to the second as well.
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(100);
    expect(third!.receivedAt - second!.receivedAt).toBeGreaterThanOrEqual(100);
  });

  it('gives up after the configured attempts and logs it as an error', async () => {
    receiver.respond = () => ({ status: 503 });
    start();
    notifier!.notify({ type: 'changed', documentName: 'down' });
    await waitForStats((stats) => stats.failed === 1, 'giving up');
    expect(receiver.received).toHaveLength(FAST_RETRY.attempts);
    expect(logs.filter((line) => line.msg.startsWith('webhook delivery failed')).map((line) => line.attempt)).toEqual([1, 2, 3, 4]);
    expect(logs.find((line) => line.msg === 'giving up on a webhook delivery')).toMatchObject({ level: 50, eventId: receiver.received[0]!.headers['webhook-id'] });
  });

  it('retries requests that time out and network errors', async () => {
    receiver.respond = (request) => (request.index === 0 ? 'hang' : { status: 204 });
    const closed = await closedPort();
    const unreachable = `http://127.0.0.1:${closed}/hooks`;
    start({ urls: [receiver.url, unreachable], retry: { ...FAST_RETRY, timeoutMs: 100, attempts: 3 } });
    notifier!.notify({ type: 'created', documentName: 'plan' });
    await waitForStats((stats) => stats.delivered === 1 && stats.failed === 1, 'one delivered, one given up');
    expect(receiver.received).toHaveLength(2);
    const attempts = logs.filter((line) => line.msg.startsWith('webhook delivery failed'));
    expect(attempts.filter((line) => line.url === `http://127.0.0.1:${closed}/hooks`)).toHaveLength(3);
    // The receiver's token in the query string stays out of the logs.
    expect(JSON.stringify(logs)).not.toContain('receiver-secret');
  });

  it('keeps a bounded queue per URL, dropping the oldest waiting event', async () => {
    receiver.respond = (request) => (request.index === 0 ? 'hang' : { status: 200 });
    start({ maxQueuedEvents: 2, retry: { ...FAST_RETRY, timeoutMs: 5000 } });
    for (const name of ['1', '2', '3', '4', '5']) notifier!.notify({ type: 'created', documentName: name });
    await receiver.waitFor(() => true, 'the first request');
    expect(notifier!.stats()).toMatchObject({ dropped: 2, queued: 3 });
    expect(logs.filter((line) => line.msg.startsWith('webhook queue full')).map((line) => line.droppedEvents)).toEqual([1, 2]);
    receiver.release(200);
    await waitForStats((stats) => stats.delivered === 3 && stats.queued === 0, 'the rest delivered');
    expect(receiver.received.map((request) => request.json.data.name)).toEqual(['1', '4', '5']);
  });
});

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs(null)).toBeNull();
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeNull();
  });
});
