import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedPort } from '../support/closedPort.js';
import { createDocumentOnServer } from '../support/documentApi.js';
import { TestResources } from '../support/TestResources.js';
import { REPO_ROOT, type TestServer } from '../support/TestServer.js';
import { WebhookReceiver } from '../support/WebhookReceiver.js';

const WEBHOOK_SECRET = 'integration-webhook-secret-0123456789';
/** What the README tells receivers to pass to any Standard Webhooks library. */
const RECEIVER_SECRET = `whsec_${Buffer.from(WEBHOOK_SECRET).toString('base64')}`;

const resources = new TestResources();
const receivers: WebhookReceiver[] = [];

async function startReceiver(): Promise<WebhookReceiver> {
  const receiver = await WebhookReceiver.start();
  receivers.push(receiver);
  return receiver;
}

function startServer(urls: string[], debounceMs: number): Promise<TestServer> {
  return resources.startServer(['--webhook-debounce-ms', String(debounceMs), '--webhook-max-wait-ms', String(Math.max(debounceMs, 30_000))], {
    env: { WEBHOOK_URLS: urls.join(','), WEBHOOK_SECRET, PUBLIC_URL: 'https://docs.example' },
  });
}

async function deleteDocument(server: TestServer, documentName: string): Promise<void> {
  const response = await fetch(`${server.httpUrl}/api/documents/${documentName}`, { method: 'DELETE' });
  expect(response.status).toBe(204);
}

afterEach(() => resources.destroyClients());
afterAll(async () => {
  await resources.dispose();
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

describe('webhooks from a running server', () => {
  let receiver: WebhookReceiver;
  let server: TestServer;

  beforeAll(async () => {
    receiver = await startReceiver();
    server = await startServer([receiver.url], 200);
  });

  it('sends document.created for a document created through the API, signed so the documented secret verifies it', async () => {
    await createDocumentOnServer(server, 'api-made', '# Quarterly plan\n\nText.');
    const request = await receiver.waitFor((r) => r.json.data.name === 'api-made', 'document.created of api-made');

    const verified = new Webhook(RECEIVER_SECRET).verify(request.body, request.headers);
    expect(verified).toEqual({
      type: 'document.created',
      timestamp: expect.stringMatching(/Z$/),
      data: { name: 'api-made', title: 'Quarterly plan', size: expect.any(Number), url: 'https://docs.example/d/api-made' },
    });
    expect(request.headers['webhook-id']).toMatch(/^msg_/);
    const tampered = request.body.replace('Quarterly', 'Quarterlz');
    expect(() => new Webhook(RECEIVER_SECRET).verify(tampered, request.headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(RECEIVER_SECRET).verify(request.body, { ...request.headers, 'webhook-id': 'msg_other' })).toThrow(WebhookVerificationError);
  });

  it('sends one debounced document.changed for a burst of edits, and another for later edits', async () => {
    await createDocumentOnServer(server, 'typed');
    await receiver.waitFor((r) => r.json.type === 'document.created' && r.json.data.name === 'typed', 'document.created of typed');
    const client = resources.connect(server, 'typed', { wantsSavedState: true });
    await client.synced();
    for (const word of ['one ', 'two ', 'three ', 'four ', 'five ']) client.text.insert(client.text.length, word);
    await client.saved();
    const first = await receiver.waitFor((r) => r.json.type === 'document.changed' && r.json.data.name === 'typed', 'document.changed of typed');
    expect(first.json.data).toMatchObject({ name: 'typed', size: expect.any(Number), url: 'https://docs.example/d/typed' });
    // Per-URL order: anything the burst still had queued would arrive before this marker.
    await createDocumentOnServer(server, 'marker-1');
    await receiver.waitFor((r) => r.json.data.name === 'marker-1', 'the marker');
    expect(receiver.ofType('document.changed', 'typed')).toHaveLength(1);

    client.text.insert(client.text.length, 'six');
    await receiver.waitForCount((r) => r.json.type === 'document.changed' && r.json.data.name === 'typed', 2, 'document.changed of typed');
    expect(new Webhook(RECEIVER_SECRET).verify(receiver.ofType('document.changed', 'typed')[1]!.body, receiver.ofType('document.changed', 'typed')[1]!.headers)).toBeTruthy();
  });

  it('describes a change made through the API to a document nobody has open, though it is unloaded before the debounce ends', async () => {
    await createDocumentOnServer(server, 'unattended', '# Draft\n');
    await receiver.waitFor((r) => r.json.type === 'document.created' && r.json.data.name === 'unattended', 'document.created of unattended');
    // A script's burst of changes (the room is unloaded after each one) is still one event, describing the last state.
    let size = 0;
    for (const [method, value] of [['PUT', '# Final plan\n\nAgreed.\n'], ['POST', 'One more line.\n'], ['POST', 'And another.\n']] as const) {
      const changedByApi = await fetch(`${server.httpUrl}/api/documents/unattended/content`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: { format: 'markdown', value } }),
      });
      expect(changedByApi.status).toBe(200);
      ({ size } = (await changedByApi.json()) as { size: number });
    }
    const changed = await receiver.waitFor((r) => r.json.type === 'document.changed' && r.json.data.name === 'unattended', 'document.changed of unattended');
    expect(changed.json.data).toEqual({ name: 'unattended', title: 'Final plan', size, url: 'https://docs.example/d/unattended' });
    await createDocumentOnServer(server, 'marker-0');
    await receiver.waitFor((r) => r.json.data.name === 'marker-0', 'the marker');
    expect(receiver.ofType('document.changed', 'unattended')).toHaveLength(1);
  });

  it('sends document.created once when a peer creates a document by typing into a new name', async () => {
    const client = resources.connect(server, 'typed-into-being', { wantsSavedState: true });
    await client.synced();
    client.text.insert(0, 'Hello');
    client.text.insert(5, ', world');
    await client.saved();
    await receiver.waitFor((r) => r.json.type === 'document.changed' && r.json.data.name === 'typed-into-being', 'document.changed after the creation');
    const events = receiver.received.filter((r) => r.json.data.name === 'typed-into-being').map((r) => r.json.type);
    expect(events).toEqual(['document.created', 'document.changed']);
  });

  it('sends document.deleted on delete, and nothing for the document after it', async () => {
    const client = resources.connect(server, 'doomed', { wantsSavedState: true });
    await client.synced();
    client.text.insert(0, 'short-lived');
    await client.saved();
    await deleteDocument(server, 'doomed');
    const deleted = await receiver.waitFor((r) => r.json.type === 'document.deleted' && r.json.data.name === 'doomed', 'document.deleted of doomed');
    expect(deleted.json.data).toEqual({ name: 'doomed' });
    await createDocumentOnServer(server, 'marker-2');
    await receiver.waitFor((r) => r.json.data.name === 'marker-2', 'the marker');
    expect(receiver.received.filter((r) => r.json.data.name === 'doomed' && r.index > deleted.index)).toEqual([]);
  });
});

describe('webhook delivery failures', () => {
  it('retries a 5xx with the same webhook-id, and does not retry a 400', async () => {
    const receiver = await startReceiver();
    const server = await startServer([receiver.url], 200);
    receiver.respond = (r) => (r.json.data.name === 'flaky' && receiver.ofType('document.created', 'flaky').length <= 2 ? { status: 500 } : r.json.data.name === 'refused' ? { status: 400 } : { status: 200 });

    await createDocumentOnServer(server, 'flaky');
    const attempts = await receiver.waitForCount((r) => r.json.data.name === 'flaky', 3, 'three attempts at flaky', 20_000);
    expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
    for (const attempt of attempts) expect(() => new Webhook(RECEIVER_SECRET).verify(attempt.body, attempt.headers)).not.toThrow();
    const retryLogs = server.logs.filter((line) => line.msg === 'webhook delivery failed; retrying' && line.eventId === attempts[0]!.headers['webhook-id']);
    expect(retryLogs.map((line) => [line.attempt, line.status])).toEqual([
      [1, 500],
      [2, 500],
    ]);

    await createDocumentOnServer(server, 'refused');
    await createDocumentOnServer(server, 'after-refused');
    await receiver.waitFor((r) => r.json.data.name === 'after-refused', 'the event after the refused one');
    expect(receiver.received.filter((r) => r.json.data.name === 'refused')).toHaveLength(1);
    expect(server.findLog((line) => line.msg === 'giving up on a webhook delivery' && line.documentName === 'refused')).toMatchObject({ level: 50 });
    // Operators see the outcomes in /metrics: flaky and after-refused delivered, refused failed.
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^tandem_webhook_events_total\{result="delivered"\} 2$/m);
    expect(metrics).toMatch(/^tandem_webhook_events_total\{result="failed"\} 1$/m);
    expect(metrics).toMatch(/^tandem_webhook_events_queued 0$/m);
    await server.dispose();
  });

  it('keeps editing and saving at full speed while a receiver hangs and another is unreachable', async () => {
    const hanging = await startReceiver();
    hanging.respond = () => 'hang';
    const unreachable = `http://127.0.0.1:${await closedPort()}/hooks`;
    const server = await startServer([hanging.url, unreachable], 0);
    const writer = resources.connect(server, 'busy', { wantsSavedState: true });
    const reader = resources.connect(server, 'busy');
    await Promise.all([writer.synced(), reader.synced()]);
    writer.text.insert(0, 'first');
    // The first delivery (document.created) now hangs; the unreachable URL fails and retries.
    await hanging.waitFor(() => true, 'the hanging request');
    await writer.saved();

    for (let index = 0; index < 20; index += 1) writer.text.insert(writer.text.length, ` ${index}`);
    const expected = writer.text.toString();
    // Both answer long before the webhook request times out (10 s): deliveries do not hold up edits.
    await Promise.all([writer.saved(5000), reader.textEquals(expected, 5000)]);
    expect(hanging.received).toHaveLength(1);
    expect(server.findLog((line) => line.msg === 'webhook delivery failed; retrying' && line.url === unreachable)).toMatchObject({ attempt: 1 });
    // Its retries must not reach a receiver a later test may start on the freed port.
    await server.dispose();
  });
});

describe('webhooks on shutdown', () => {
  it('sends pending document.changed events when the server stops, but none for a deleted document', async () => {
    const receiver = await startReceiver();
    const server = await startServer([receiver.url], 60_000);
    await createDocumentOnServer(server, 'kept');
    await createDocumentOnServer(server, 'dropped');
    for (const documentName of ['kept', 'dropped']) {
      const client = resources.connect(server, documentName, { wantsSavedState: true });
      await client.synced();
      client.text.insert(0, `edits to ${documentName}`);
      await client.saved();
    }
    await deleteDocument(server, 'dropped');
    await receiver.waitFor((r) => r.json.type === 'document.deleted', 'document.deleted of dropped');
    expect(receiver.ofType('document.changed').map((r) => r.json)).toEqual([]);

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(receiver.received.map((r) => `${r.json.type} ${r.json.data.name}`)).toEqual([
      'document.created kept',
      'document.created dropped',
      'document.deleted dropped',
      'document.changed kept',
    ]);
    // Sent while the document was still open: it says how large it is.
    expect(receiver.ofType('document.changed', 'kept')[0]!.json.data.size).toBeGreaterThan(0);
  });
});

describe('webhook configuration errors', () => {
  const run = promisify(execFile);
  async function refusal(args: string[]): Promise<string> {
    try {
      await run(process.execPath, [join(REPO_ROOT, 'dist/server/main.js'), '--port', '0', '--store', 'memory', ...args], { cwd: REPO_ROOT, timeout: 10_000 });
    } catch (error) {
      expect((error as { code?: unknown }).code).toBe(2);
      return (error as { stderr: string }).stderr;
    }
    throw new Error('the server started');
  }

  it('refuses URLs without a secret, a short secret and a bad URL', async () => {
    expect(await refusal(['--webhook-urls', 'https://hooks.example/a'])).toMatch(/--webhook-urls needs --webhook-secret/);
    expect(await refusal(['--webhook-urls', 'https://hooks.example/a', '--webhook-secret', 'too-short'])).toMatch(/--webhook-secret="too-short": must be at least 32 characters/);
    expect(await refusal(['--webhook-urls', 'hooks.example/a', '--webhook-secret', WEBHOOK_SECRET])).toMatch(/--webhook-urls="hooks.example\/a": expected http\(s\) URLs/);
  });
});
