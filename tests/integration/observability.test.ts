import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleSum } from '../support/parsePrometheusText.js';
import { TestResources } from '../support/TestResources.js';
import { REPO_ROOT, type TestServer } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';

const resources = new TestResources();
afterEach(() => resources.dispose());

async function scrape(server: TestServer, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const response = await fetch(`${server.httpUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

/** Scrapes until `check` holds for the metrics (they change as saves and closes land), or fails after `timeoutMs`. */
async function scrapeUntil(server: TestServer, description: string, check: (metrics: Map<string, number>) => boolean, timeoutMs = 10_000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const metrics = await scrape(server);
    if (check(metrics)) return metrics;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A raw WebSocket and how it ends. */
function rawSocket(server: TestServer, documentName: string): { socket: WebSocket; closed: Promise<{ code: number; reason: string }> } {
  const socket = new WebSocket(`${server.wsUrl}/${documentName}`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return { socket, closed };
}

const delta = (before: Map<string, number>, after: Map<string, number>, name: string, labels: Record<string, string> = {}) =>
  sampleSum(after, name, labels) - sampleSum(before, name, labels);

describe('/metrics', () => {
  it('counts real traffic: connections, messages and bytes by type, saves, refusals and errors, and returns to zero', async () => {
    const server = await resources.startServer(['--snapshot-idle-ms', '50']);
    const before = await scrape(server);
    expect(sampleSum(before, 'tandem_open_connections')).toBe(0);
    // Series of a fixed label set exist from the first scrape, at zero.
    expect(before.get('tandem_errors_total{kind="protocol"}')).toBe(0);
    expect(before.get('tandem_messages_received_total{type="sync_update"}')).toBe(0);

    const alice = resources.connect(server, 'measured', { wantsSavedState: true });
    const bob = resources.connect(server, 'measured');
    await Promise.all([alice.synced(), bob.synced()]);
    const during = await scrape(server);
    expect(sampleSum(during, 'tandem_open_connections')).toBe(2);
    expect(sampleSum(during, 'tandem_loaded_documents')).toBe(1);

    const edits = 5;
    for (let index = 0; index < edits; index += 1) alice.text.insert(alice.text.length, `edit ${index}. `);
    await bob.textEquals('edit 0. edit 1. edit 2. edit 3. edit 4. ');
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#e11d48' });
    bob.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#2563eb' });
    await bob.presenceEquals(['Alice']);
    alice.provider.awareness.setLocalStateField('cursor', { anchor: 3, head: 3 });
    await waitFor(() => (bob.provider.awareness.getStates().get(alice.doc.clientID) as { cursor?: unknown } | undefined)?.cursor, {
      description: "Alice's caret to reach Bob",
    });
    await alice.saved();

    // A refused connection (bad name: 4400) and a peer closed for a broken frame (4400, a protocol error).
    const refused = rawSocket(server, 'bad..name!');
    expect((await refused.closed).code).toBe(4400);
    const garbage = rawSocket(server, 'measured');
    garbage.socket.once('open', () => garbage.socket.send(new Uint8Array([0, 7, 1, 2])));
    expect((await garbage.closed).code).toBe(4400);

    await waitFor(() => server.findLog((line) => line.msg === 'snapshot written' && line.documentName === 'measured'), { description: 'a snapshot of the document' });
    alice.destroy();
    bob.destroy();
    const after = await scrapeUntil(
      server,
      'every connection closed and the document unloaded',
      (metrics) => sampleSum(metrics, 'tandem_open_connections') === 0 && sampleSum(metrics, 'tandem_loaded_documents') === 0,
    );

    expect(delta(before, after, 'tandem_connections_accepted_total')).toBe(3);
    expect(delta(before, after, 'tandem_connections_refused_total', { code: '4400' })).toBe(1);
    expect(delta(before, after, 'tandem_errors_total', { kind: 'protocol' })).toBe(1);
    expect(delta(before, after, 'tandem_messages_received_total', { type: 'sync_update' })).toBeGreaterThanOrEqual(edits);
    expect(delta(before, after, 'tandem_messages_received_total', { type: 'sync_step1' })).toBeGreaterThanOrEqual(2);
    expect(delta(before, after, 'tandem_messages_received_total', { type: 'awareness' })).toBeGreaterThanOrEqual(3);
    // Bob received every edit Alice sent, one frame each.
    expect(delta(before, after, 'tandem_messages_sent_total', { type: 'sync_update' })).toBeGreaterThanOrEqual(edits);
    // Presence goes to both peers (the sender too): out is at least twice in, and the fan-out makes bytes out exceed bytes in.
    expect(delta(before, after, 'tandem_sent_bytes_total', { type: 'awareness' })).toBeGreaterThan(delta(before, after, 'tandem_received_bytes_total', { type: 'awareness' }));
    expect(delta(before, after, 'tandem_sent_bytes_total')).toBeGreaterThan(delta(before, after, 'tandem_received_bytes_total'));
    // The saved-state messages Alice asked for are neither sync nor awareness.
    expect(delta(before, after, 'tandem_messages_sent_total', { type: 'other' })).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'tandem_save_duration_seconds_count', { kind: 'log' })).toBeGreaterThanOrEqual(1);
    expect(delta(before, after, 'tandem_save_duration_seconds_count', { kind: 'snapshot' })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(after, 'tandem_unsaved_bytes')).toBe(0);
    expect(sampleSum(after, 'tandem_oldest_unsaved_change_seconds')).toBe(0);
    // No document name ever becomes a label value.
    expect([...after.keys()].some((key) => key.includes('measured'))).toBe(false);
    // Node's own metrics, in the same registry and with the same prefix.
    expect(sampleSum(after, 'tandem_process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('shows unsaved bytes and their age while the log cannot be written, and counts the storage failures', async () => {
    const server = await resources.startServer(['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000']);
    const writer = resources.connect(server, 'stuck', { wantsSavedState: true });
    await writer.synced();
    // The documents directory becomes a file: every append fails (and is retried), while the lock stays intact.
    await rm(join(server.dataDir, 'documents'), { recursive: true });
    await writeFile(join(server.dataDir, 'documents'), 'not a directory');
    writer.text.insert(0, 'waiting for a disk');
    const stuck = await scrapeUntil(
      server,
      'a failed append and unsaved bytes',
      (metrics) => sampleSum(metrics, 'tandem_errors_total', { kind: 'storage_log' }) >= 1 && sampleSum(metrics, 'tandem_unsaved_bytes') > 0,
    );
    expect(sampleSum(stuck, 'tandem_unsaved_bytes')).toBeGreaterThan(0);
    const aged = await scrapeUntil(server, 'the unsaved change to age', (metrics) => sampleSum(metrics, 'tandem_oldest_unsaved_change_seconds') > 0.2);
    expect(sampleSum(aged, 'tandem_oldest_unsaved_change_seconds')).toBeLessThan(30);
    // The disk comes back: the retry writes the update and the gauges return to zero.
    await rm(join(server.dataDir, 'documents'));
    await import('node:fs/promises').then(({ mkdir }) => mkdir(join(server.dataDir, 'documents')));
    await writer.saved(15_000);
    const recovered = await scrapeUntil(server, 'unsaved bytes back to zero', (metrics) => sampleSum(metrics, 'tandem_unsaved_bytes') === 0);
    expect(sampleSum(recovered, 'tandem_oldest_unsaved_change_seconds')).toBe(0);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const token = 'metrics-token-for-the-test-0123456789';
    const server = await resources.startServer([], { env: { METRICS_TOKEN: token } });
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token' }, { authorization: `Basic ${token}` }, { authorization: `Bearer ${token}x` }]) {
      const response = await fetch(`${server.httpUrl}/metrics`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/Authorization: Bearer/) } });
    }
    const metrics = await scrape(server, { authorization: `Bearer ${token}` });
    expect(metrics.has('tandem_open_connections')).toBe(true);
    // Liveness and readiness stay open for probes.
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.httpUrl}/readyz`)).status).toBe(200);
  });
});

describe('/readyz', () => {
  it('is ready while the store is writable, and 503 store-unwritable once the data directory is gone (while /healthz stays 200)', async () => {
    const server = await resources.startServer();
    const ready = await fetch(`${server.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    await rm(join(server.dataDir, 'documents'), { recursive: true });
    await writeFile(join(server.dataDir, 'documents'), 'not a directory');
    // The last probe's answer stands for about a second.
    const deadline = Date.now() + 5000;
    let response = await fetch(`${server.httpUrl}/readyz`);
    while (response.status === 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      response = await fetch(`${server.httpUrl}/readyz`);
    }
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not-ready',
      error: { code: 'store-unwritable', message: expect.stringMatching(/cannot write to .*documents.*ENOTDIR/) },
    });
    expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
  });
});

/** An HTTP/1.1 exchange over a raw TCP socket, so a request can be half sent before a signal and finished after. */
async function rawHttp(server: TestServer) {
  const { connect } = await import('node:net');
  const socket = connect(server.port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    write: (text: string) => new Promise<void>((resolve, reject) => socket.write(text, (error) => (error ? reject(error) : resolve()))),
    /** The status and JSON body of the response, once the server has sent it all. */
    async response(): Promise<{ status: number; body: unknown }> {
      const complete = () => {
        const headerEnd = received.indexOf('\r\n\r\n');
        if (headerEnd === -1) return undefined;
        const length = Number(/content-length: (\d+)/i.exec(received.slice(0, headerEnd))?.[1] ?? NaN);
        const body = received.slice(headerEnd + 4);
        return Buffer.byteLength(body) >= length ? { status: Number(received.split(' ')[1]), body: JSON.parse(body) as unknown } : undefined;
      };
      return waitFor(complete, { description: 'the HTTP response' });
    },
    ended,
    destroy: () => socket.destroy(),
  };
}

describe('drain on SIGTERM', () => {
  it('closes stock clients with 1012, answers requests in flight with 503 shutting-down, saves the last edits and exits 0 well within the timeout', async () => {
    // Snapshots far in the future: only the drain can write one.
    const server = await resources.startServer(['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000', '--shutdown-timeout-ms', '10000']);
    const alice = resources.connect(server, 'drained');
    const bob = resources.connect(server, 'drained');
    await Promise.all([alice.synced(), bob.synced()]);
    alice.text.insert(0, 'the last words before the restart');
    await bob.textEquals('the last words before the restart');

    // Two requests that started before the signal: an API call whose body is still arriving, and a readiness probe with its headers half sent.
    const body = JSON.stringify({ name: 'late-arrival', content: { format: 'markdown', value: '# Late\n' } });
    const create = await rawHttp(server);
    await create.write(`POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    await scrapeUntil(server, 'the API call to be in flight', (metrics) => sampleSum(metrics, 'tandem_http_requests_in_flight') >= 2);

    const signalledAt = Date.now();
    const exited = server.stop('SIGTERM');
    await waitFor(() => server.findLog((line) => line.msg.startsWith('shutting down')), { description: 'the server to start draining' });
    await waitFor(() => alice.closeEvents.length > 0 && bob.closeEvents.length > 0, { description: 'both clients to be closed' });
    expect(alice.closeEvents[0]).toEqual({ code: 1012, reason: 'server is restarting; reconnect' });
    expect(bob.closeEvents[0]?.code).toBe(1012);

    await create.write(body.slice(10));
    expect(await create.response()).toEqual({ status: 503, body: { error: { code: 'shutting-down', message: expect.any(String) } } });
    create.destroy();

    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(5000);
    expect(server.findLog((line) => line.msg === 'snapshot written' && line.documentName === 'drained')).toBeDefined();
    alice.destroy();
    bob.destroy();

    await server.start();
    const reader = resources.connect(server, 'drained');
    await reader.textEquals('the last words before the restart');
    const loaded = server.logs.filter((line) => line.msg === 'document loaded' && line.documentName === 'drained').at(-1);
    expect(loaded?.replayedUpdates).toBe(0);
    // The refused API call created nothing.
    const documents = (await (await fetch(`${server.httpUrl}/api/documents`)).json()) as { documents: { name: string }[] };
    expect(documents.documents.map((document) => document.name)).toEqual(['drained']);
  });

  it('answers readiness 503 shutting-down on a connection that was open when the drain began', async () => {
    const server = await resources.startServer(['--shutdown-timeout-ms', '10000']);
    // An import in flight holds the drain open (its body is still arriving)…
    const body = JSON.stringify({ name: 'holder', content: { format: 'markdown', value: 'x' } });
    const holder = await rawHttp(server);
    await holder.write(`POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n{`);
    // …and a keep-alive connection is busy with a first request that is only half sent.
    const probe = await rawHttp(server);
    await probe.write(`GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`);
    await scrapeUntil(server, 'the API call to be in flight', (metrics) => sampleSum(metrics, 'tandem_http_requests_in_flight') >= 2);

    const exited = server.stop('SIGTERM');
    await waitFor(() => server.findLog((line) => line.msg.startsWith('shutting down')), { description: 'the server to start draining' });
    await probe.write('\r\n');
    expect(await probe.response()).toEqual({ status: 503, body: { status: 'not-ready', error: { code: 'shutting-down', message: expect.any(String) } } });
    probe.destroy();
    await holder.write(body.slice(1));
    expect((await holder.response()).status).toBe(503);
    holder.destroy();
    expect(await exited).toBe(0);
  });

  it('does not wait for a content conversion still running: its request gets 503 shutting-down and the server exits at once', async () => {
    const server = await resources.startServer(['--shutdown-timeout-ms', '10000']);
    const paragraph = 'Some **bold** text, a [link](https://example.com) and `code`.\n\n';
    let markdown = '';
    const create = (name: string) =>
      fetch(`${server.httpUrl}/api/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, content: { format: 'markdown', value: markdown } }) });
    // Content that takes this machine over a second to convert, uninterrupted (conversion time grows faster than size).
    let conversionMs = 0;
    for (let kib = 150; conversionMs <= 1000 && kib <= 600; kib *= 2) {
      markdown = `# Big\n\n${paragraph.repeat(Math.ceil((kib * 1024) / paragraph.length))}`;
      const measuredAt = Date.now();
      expect((await create(`measured-${kib}`)).status).toBe(201);
      conversionMs = Date.now() - measuredAt;
    }
    expect(conversionMs).toBeGreaterThan(1000);

    const creating = create('interrupted');
    await scrapeUntil(server, 'the import to be in flight', (metrics) => sampleSum(metrics, 'tandem_http_requests_in_flight') >= 2);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalledAt = Date.now();
    const exited = server.stop('SIGTERM');
    const answer = await creating;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('shutting-down');
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(conversionMs / 2);

    await server.start();
    const documents = (await (await fetch(`${server.httpUrl}/api/documents`)).json()) as { documents: { name: string }[] };
    expect(documents.documents.map((document) => document.name)).not.toContain('interrupted');
  }, 90_000);

  it('exits with code 1 at the timeout when saving takes longer, naming the unsaved documents; the log still has every edit', async () => {
    // Provoked for real: a 1 ms bound, and a document of several MiB whose snapshot only the drain writes
    // (encoding, writing and fsyncing it takes far longer than 1 ms).
    const server = await resources.startServer([
      ...['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000', '--snapshot-after-bytes', String(1 << 30)],
      ...['--shutdown-timeout-ms', '1'],
    ]);
    const writer = resources.connect(server, 'large', { wantsSavedState: true });
    await writer.synced();
    const text = 'All work and no play makes a large document. '.repeat(100_000);
    writer.text.insert(0, text);
    // Still connected: the document stays loaded with its snapshot due (a last peer leaving would save it at once).
    await writer.saved(20_000);

    const signalledAt = Date.now();
    expect(await server.stop('SIGTERM')).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(3000);
    expect(server.findLog((line) => line.msg.startsWith('shutdown did not finish within 1 ms'))).toMatchObject({
      level: 50,
      shutdownTimeoutMs: 1,
      unsavedDocuments: ['large'],
      msg: expect.stringMatching(/exiting with unsaved changes in 1 document\(s\): large$/),
    });
    expect(server.findLog((line) => line.msg === 'server stopped')).toBeUndefined();
    writer.destroy();

    // Every edit was in the fsynced log before the snapshot started: nothing is lost.
    await server.start();
    const reader = resources.connect(server, 'large');
    await reader.docSatisfies((client) => client.text.length === text.length, 'the whole document', 20_000);
    expect(reader.text.toString() === text).toBe(true);
  });
});

describe('logs', () => {
  it('every line about a connection carries its id as conn, with the document', async () => {
    const server = await resources.startServer();
    const client = resources.connect(server, 'logged');
    await client.synced();
    const refused = rawSocket(server, 'bad..name!');
    await refused.closed;
    client.destroy();
    await waitFor(() => server.findLog((line) => line.msg === 'peer left'), { description: 'the peer to leave' });

    const joined = server.findLog((line) => line.msg === 'peer joined');
    const left = server.findLog((line) => line.msg === 'peer left');
    expect(joined).toMatchObject({ conn: expect.stringMatching(/^c\d+$/), documentName: 'logged' });
    expect(left?.conn).toBe(joined?.conn);
    expect(server.findLog((line) => line.msg === 'refusing a connection')).toMatchObject({ conn: expect.stringMatching(/^c\d+$/), documentName: 'bad..name!', code: 4400 });
    // One key for the connection id: nothing logs it as `peer` any more.
    expect(server.logs.filter((line) => 'peer' in line)).toEqual([]);
  });

  it('LOG_FORMAT=json writes one JSON object per line, even on a terminal-less pipe', async () => {
    const server = await resources.startServer([], { env: { LOG_FORMAT: 'json' } });
    expect(server.logs.length).toBeGreaterThan(0);
    expect(server.logs.every((line) => typeof line.time === 'number' && typeof line.level === 'number')).toBe(true);
  });

  it('--log-format pretty writes readable lines, not JSON', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/server/main.js'), '--port', '0', '--store', 'memory', '--log-format', 'pretty'], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => output.includes('Tandem is listening'), { description: 'the listening line', timeoutMs: 15_000 });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    const lines = output.split('\n').filter((line) => line.trim() !== '');
    const listening = lines.find((line) => line.includes('Tandem is listening'))!;
    expect(listening).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Tandem is listening on http:\/\/127\.0\.0\.1:\d+$/);
    // Fields follow on indented lines; no line is a JSON object.
    expect(lines.some((line) => /^\s+port: \d+$/.test(line))).toBe(true);
    expect(lines.filter((line) => line.trimStart().startsWith('{"'))).toEqual([]);
    expect(output).toMatch(/INFO: server stopped/);
  });
});
