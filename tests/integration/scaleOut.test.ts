import { Redis } from 'ioredis';
import pg from 'pg';
import * as Y from 'yjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NginxProxy } from '../support/NginxProxy.js';
import { parsePrometheusText } from '../support/parsePrometheusText.js';
import { PostgresServer } from '../support/PostgresServer.js';
import { RedisServer } from '../support/RedisServer.js';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import { waitFor, waitForAsync } from '../support/waitFor.js';
import { YjsClient } from '../support/YjsClient.js';

// Several real server processes on one real PostgreSQL and one real Redis, with stock y-websocket clients.
let postgres: PostgresServer;
let redis: RedisServer;
let resources: TestResources;

beforeAll(async () => {
  [postgres, redis] = await Promise.all([PostgresServer.start(), RedisServer.start()]);
}, 60_000);
afterAll(async () => {
  await Promise.all([postgres?.dispose(), redis?.dispose()]);
});
beforeEach(() => {
  resources = new TestResources();
});
afterEach(async () => {
  await resources.dispose();
  if (!redis.running) await redis.start();
});

/** `count` instances sharing a fresh database and the Redis server. */
async function startInstances(count: number, extraArgs: string[] = []): Promise<{ instances: TestServer[]; storeUrl: string }> {
  const storeUrl = await postgres.createDatabase();
  const instances = await Promise.all(
    Array.from({ length: count }, (_, index) => resources.startServer(['--store', storeUrl, '--redis', redis.url, '--instance-id', `instance-${index + 1}`, ...extraArgs])),
  );
  return { instances, storeUrl };
}

/** Resolves once every client holds the same text, and returns it. */
async function converged(clients: YjsClient[], timeoutMs = 15_000): Promise<string> {
  return waitFor(
    () => {
      const texts = new Set(clients.map((client) => client.text.toString()));
      return texts.size === 1 ? [...texts][0]! : undefined;
    },
    { description: `${clients.length} clients to hold the same text`, timeoutMs },
  );
}

/** Types a unique token every few milliseconds, remembering each with the client's clock once it is in. */
function keepTyping(client: YjsClient, prefix: string, everyMs = 15) {
  const typed: { token: string; clock: number }[] = [];
  const timer = setInterval(() => {
    const token = `<${prefix}-${typed.length}>`;
    client.text.insert(client.text.length, token);
    typed.push({ token, clock: ownClock(client) });
  }, everyMs);
  return {
    typed,
    stop: () => clearInterval(timer),
  };
}

function ownClock(client: YjsClient): number {
  return Y.getState(client.doc.store, client.doc.clientID);
}

async function storedText(storeUrl: string, documentName: string): Promise<string> {
  // A fresh instance on the same database, without Redis: what a restart of the whole cluster would load.
  const fresh = await resources.startServer(['--store', storeUrl]);
  try {
    const response = await fetch(`${fresh.httpUrl}/api/documents/${documentName}/content?format=yjs`);
    expect(response.status).toBe(200);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, new Uint8Array(await response.arrayBuffer()));
    return doc.getText('content').toString();
  } finally {
    await fresh.stop();
  }
}

/** One sample of a scrape: `name` with exactly `labels`, or undefined. */
function sample(samples: Map<string, number>, name: string, labels: Record<string, string> = {}): number | undefined {
  const labelText = Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  return samples.get(labelText === '' ? name : `${name}{${labelText}}`);
}

async function scrape(server: TestServer): Promise<Map<string, number>> {
  return parsePrometheusText(await (await fetch(`${server.httpUrl}/metrics`)).text());
}

function logged(server: TestServer, message: string, timeoutMs = 15_000): Promise<unknown> {
  return waitFor(() => server.findLog((line) => line.msg.includes(message)), { description: `log line "${message}" on port ${server.port}`, timeoutMs });
}

describe('several instances on Redis and PostgreSQL', () => {
  it('two instances: clients on each co-edit live, converge, and see each other’s presence come and go', async () => {
    const { instances } = await startInstances(2);
    const [first, second] = instances as [TestServer, TestServer];
    const alice = resources.connect(first, 'shared-notes');
    const bob = resources.connect(second, 'shared-notes');
    await Promise.all([alice.synced(), bob.synced()]);
    alice.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#1565c0' });
    bob.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#c62828' });

    alice.text.insert(0, 'Alice was here. ');
    await bob.docSatisfies((client) => client.text.toString().includes('Alice was here.'), 'Bob to get Alice’s text');
    bob.text.insert(bob.text.length, 'Bob too.');
    expect(await converged([alice, bob])).toBe('Alice was here. Bob too.');

    await alice.presenceEquals(['Bob']);
    await bob.presenceEquals(['Alice']);
    bob.destroy();
    // No ghost: Bob's instance tells Alice's that he left.
    await alice.presenceEquals([]);
  });

  it('three instances: six clients typing at once converge, and what they typed is stored', async () => {
    const { instances, storeUrl } = await startInstances(3);
    const clients = Array.from({ length: 6 }, (_, index) => resources.connect(instances[index % 3]!, 'busy', { wantsSavedState: true }));
    await Promise.all(clients.map((client) => client.synced()));
    const writers = clients.map((client, index) => keepTyping(client, `c${index}`, 10));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const writer of writers) writer.stop();

    const text = await converged(clients);
    for (const writer of writers) {
      expect(writer.typed.length).toBeGreaterThan(20);
      for (const { token } of writer.typed) expect(text).toContain(token);
    }
    await Promise.all(clients.map((client) => client.saved()));
    // Opening the document on an instance that never had it: everything, nothing twice.
    const late = resources.connect(instances[1]!, 'busy');
    await late.textEquals(text);
    expect(await storedText(storeUrl, 'busy')).toBe(text);
  });

  it('an instance that opens a document while others edit it misses nothing between loading and subscribing', async () => {
    const { instances } = await startInstances(2);
    const writer = resources.connect(instances[0]!, 'streaming');
    await writer.synced();
    const typing = keepTyping(writer, 'w', 2);
    // Joins on the second instance land at random moments of the stream.
    const joiners: YjsClient[] = [];
    for (let index = 0; index < 5; index += 1) {
      await new Promise((resolve) => setTimeout(resolve, 60));
      joiners.push(resources.connect(instances[1]!, 'streaming'));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    typing.stop();
    const text = await converged([writer, ...joiners]);
    expect(text).toContain(typing.typed.at(-1)!.token);
  });

  it('SIGKILL of one instance at a time during continuous editing: nothing acknowledged as saved is lost, and everyone converges', async () => {
    const { instances, storeUrl } = await startInstances(3);
    const urls = instances.map((instance) => instance.wsUrl);
    const rotated = (start: number) => [...urls.slice(start), ...urls.slice(0, start)];
    // Clients that outlive every crash: they move to the next instance, as the web editor does.
    const survivors = [0, 1, 2].map((start) => resources.connect(instances[start]!, 'crashy', { wantsSavedState: true, alsoTry: rotated(start).slice(1) }));
    await Promise.all(survivors.map((client) => client.synced()));
    const writers = survivors.map((client, index) => keepTyping(client, `s${index}`));
    const acknowledged: string[] = [];

    for (let round = 0; round < 6; round += 1) {
      const victim = instances[round % 3]!;
      // A client that dies with its instance: only what the server acknowledged may be relied on.
      const doomed = resources.connect(victim, 'crashy', { wantsSavedState: true });
      await doomed.synced();
      const typing = keepTyping(doomed, `r${round}`, 5);
      await waitFor(() => doomed.savedOwnClock > 0 && typing.typed.length > 10, { description: `round ${round}: some of the doomed client's typing saved` });
      victim.signal('SIGKILL');
      const savedClock = doomed.savedOwnClock;
      typing.stop();
      doomed.destroy();
      acknowledged.push(...typing.typed.filter(({ clock }) => clock <= savedClock).map(({ token }) => token));
      await victim.stop();
      await victim.start();
    }
    for (const writer of writers) writer.stop();

    const text = await converged(survivors, 30_000);
    for (const token of acknowledged) expect(text).toContain(token);
    for (const writer of writers) for (const { token } of writer.typed) expect(text).toContain(token);
    await Promise.all(survivors.map((client) => client.saved(15_000)));
    const stored = await storedText(storeUrl, 'crashy');
    for (const token of acknowledged) expect(stored).toContain(token);
    expect(stored).toBe(text);
  }, 90_000);

  it('behind the shipped nginx load balancer: clients of a killed instance reconnect through it, and nothing is lost', async () => {
    const { instances, storeUrl } = await startInstances(3);
    const balancer = await NginxProxy.startLoadBalancer({ upstreamPorts: instances.map((instance) => instance.port) });
    const clients = Array.from({ length: 6 }, () => new YjsClient(`ws://127.0.0.1:${balancer.httpPort}/ws`, 'balanced', { wantsSavedState: true }));
    try {
      await Promise.all(clients.map((client) => client.synced()));
      const writers = clients.map((client, index) => keepTyping(client, `b${index}`, 20));
      // The busiest instance dies.
      const connections = await Promise.all(instances.map(async (instance) => sample(await scrape(instance), 'tandem_open_connections') ?? 0));
      const victim = instances[connections.indexOf(Math.max(...connections))]!;
      expect(Math.max(...connections)).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await victim.stop('SIGKILL');
      await waitFor(() => clients.every((client) => client.closeEvents.length === 0 || client.provider.wsconnected), {
        description: 'every client to be connected again through the load balancer',
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const writer of writers) writer.stop();
      const text = await converged(clients);
      for (const writer of writers) for (const { token } of writer.typed) expect(text).toContain(token);
      expect(clients.some((client) => client.closeEvents.length > 0)).toBe(true);
      await Promise.all(clients.map((client) => client.saved()));
      expect(await storedText(storeUrl, 'balanced')).toBe(text);
    } finally {
      for (const client of clients) client.destroy();
      await balancer.stop();
    }
  }, 60_000);

  it('compaction lease: a paused holder loses it to another instance, and no update is lost either way', async () => {
    const { instances, storeUrl } = await startInstances(2, ['--snapshot-after-updates', '10', '--snapshot-idle-ms', '50', '--snapshot-max-wait-ms', '200', '--compaction-lease-ms', '1000']);
    const clients = instances.map((instance) => resources.connect(instance, 'compacted', { wantsSavedState: true }));
    await Promise.all(clients.map((client) => client.synced()));
    const writers = clients.map((client, index) => keepTyping(client, `k${index}`, 5));
    const database = new pg.Client({ connectionString: storeUrl });
    await database.connect();
    try {
      const holderOf = async () => {
        const result = await database.query<{ holder: string }>('SELECT holder FROM tandem_leases WHERE name = $1', ['compacted']);
        return result.rows[0]?.holder;
      };
      const firstHolder = await waitForAsync(async () => await holderOf(), { description: 'a compaction lease to be taken' });
      // Holders are the instance's name with a suffix of its process.
      const paused = instances[firstHolder.startsWith('instance-1-') ? 0 : 1]!;
      const other = instances[firstHolder.startsWith('instance-1-') ? 1 : 0]!;
      paused.signal('SIGSTOP');
      try {
        // The other instance's clients keep typing; once the lease has run out, it compacts.
        await waitForAsync(async () => (await holderOf()) !== firstHolder, { description: 'the lease to pass to the instance still running', timeoutMs: 10_000 });
      } finally {
        paused.signal('SIGCONT');
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const writer of writers) writer.stop();
      const text = await converged(clients);
      for (const writer of writers) for (const { token } of writer.typed) expect(text).toContain(token);
      await Promise.all(clients.map((client) => client.saved()));
      expect(other.findLog((line) => line.msg === 'snapshot written')).toBeDefined();
      expect(await storedText(storeUrl, 'compacted')).toBe(text);
    } finally {
      await database.end();
    }
  }, 60_000);

  it('Redis stopping and starting during editing: each instance goes on alone, then they resync without loss', async () => {
    const { instances } = await startInstances(2);
    const [first, second] = instances as [TestServer, TestServer];
    const alice = resources.connect(first, 'outage');
    const carol = resources.connect(first, 'outage');
    const bob = resources.connect(second, 'outage');
    await Promise.all([alice.synced(), bob.synced(), carol.synced()]);
    alice.text.insert(0, 'before. ');
    await converged([alice, bob, carol]);

    await redis.stop();
    await Promise.all(instances.map((instance) => logged(instance, 'lost the connection to Redis')));
    const readiness = await fetch(`${first.httpUrl}/readyz`);
    expect(readiness.status).toBe(200);
    expect(await readiness.json()).toEqual({ status: 'degraded', redis: 'unreachable' });

    alice.text.insert(alice.text.length, 'alice-alone. ');
    bob.text.insert(bob.text.length, 'bob-alone. ');
    // Peers on one instance still see each other.
    await carol.docSatisfies((client) => client.text.toString().includes('alice-alone'), 'Carol, on Alice’s instance, to see her text');
    expect(bob.text.toString()).not.toContain('alice-alone');

    await redis.start();
    await Promise.all(instances.map((instance) => logged(instance, 'Redis answers again')));
    const text = await converged([alice, bob, carol]);
    expect(text).toContain('alice-alone.');
    expect(text).toContain('bob-alone.');
    alice.text.insert(0, 'after. ');
    await bob.docSatisfies((client) => client.text.toString().startsWith('after. '), 'live relaying to resume');
    const metrics = await scrape(second);
    expect(sample(metrics, 'tandem_redis_connected')).toBe(1);
    expect(sample(metrics, 'tandem_redis_resyncs_total')).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('deleting a document on one instance closes its peers on every instance with 4404, and no instance writes it back', async () => {
    const { instances } = await startInstances(2);
    const alice = resources.connect(instances[0]!, 'doomed-doc');
    const bob = resources.connect(instances[1]!, 'doomed-doc');
    await Promise.all([alice.synced(), bob.synced()]);
    alice.text.insert(0, 'soon gone');
    await bob.textEquals('soon gone');
    // Bob keeps typing up to the deletion: his instance has writes under way when it hears of it.
    const typing = keepTyping(bob, 'late', 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const response = await fetch(`${instances[0]!.httpUrl}/api/documents/doomed-doc`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    await waitFor(() => bob.closeEvents.find((event) => event.code === 4404), { description: 'Bob, on the other instance, to be closed with 4404' });
    typing.stop();
    // Long enough for any save Bob's instance had scheduled (snapshots come 5 s after the last change at most; the log at once).
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const instance of instances) expect((await fetch(`${instance.httpUrl}/api/documents/doomed-doc`)).status).toBe(404);
  });

  it('a frame on a document’s channel that does not decode is dropped: every instance keeps serving', async () => {
    const { instances } = await startInstances(2);
    const alice = resources.connect(instances[0]!, 'noisy');
    const bob = resources.connect(instances[1]!, 'noisy');
    await Promise.all([alice.synced(), bob.synced()]);
    const intruder = new Redis(redis.url);
    try {
      // Garbage; a hello whose state vector is truncated; an update that decodes but cannot be applied.
      await intruder.publish('tandem:doc:noisy', Buffer.from([1, 0, 1, 120, 9, 9, 9]));
      await intruder.publish('tandem:doc:noisy', Buffer.from([1, 2, 1, 120, 1, 5]));
      await intruder.publish('tandem:doc:noisy', Buffer.from([250, 250, 250]));
    } finally {
      intruder.disconnect();
    }
    alice.text.insert(0, 'still here');
    await bob.textEquals('still here');
    expect(instances.every((instance) => instance.running)).toBe(true);
    await waitForAsync(async () => (sample(await scrape(instances[1]!), 'tandem_redis_frames_total', { direction: 'malformed' }) ?? 0) >= 2, {
      description: 'malformed frames to be counted',
    });
  });

  it('a Redis that stops answering (frozen, connections still open) is noticed within seconds, and editing resyncs when it answers again', async () => {
    const { instances } = await startInstances(2);
    const alice = resources.connect(instances[0]!, 'frozen');
    const bob = resources.connect(instances[1]!, 'frozen');
    await Promise.all([alice.synced(), bob.synced()]);
    redis.signal('SIGSTOP');
    try {
      await Promise.all(instances.map((instance) => logged(instance, 'lost the connection to Redis', 20_000)));
      alice.text.insert(0, 'typed while Redis was frozen. ');
    } finally {
      redis.signal('SIGCONT');
    }
    await Promise.all(instances.map((instance) => logged(instance, 'Redis answers again', 20_000)));
    await bob.docSatisfies((client) => client.text.toString().includes('typed while Redis was frozen'), 'Bob to get what Alice typed meanwhile', 15_000);
  }, 60_000);

  it('readiness and metrics show the Redis and PostgreSQL connections', async () => {
    const { instances } = await startInstances(1);
    const instance = instances[0]!;
    const client = resources.connect(instance, 'observed');
    await client.synced();
    client.text.insert(0, 'x');
    expect(await (await fetch(`${instance.httpUrl}/readyz`)).json()).toEqual({ status: 'ready', redis: 'connected' });
    const metrics = await scrape(instance);
    expect(sample(metrics, 'tandem_redis_connected')).toBe(1);
    expect(sample(metrics, 'tandem_postgres_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    await waitForAsync(async () => (sample(await scrape(instance), 'tandem_redis_frames_total', { direction: 'published' }) ?? 0) > 0, {
      description: 'published frames to be counted',
    });

    await postgres.stop();
    try {
      // The store reuses its answer for about a second.
      const notReady = await waitForAsync(async () => {
        const response = await fetch(`${instance.httpUrl}/readyz`);
        return response.status === 503 && response;
      }, { description: 'readiness to fail without PostgreSQL' });
      expect(((await notReady.json()) as { error: { code: string } }).error.code).toBe('store-unwritable');
    } finally {
      await postgres.restart();
    }
    await waitForAsync(async () => (await fetch(`${instance.httpUrl}/readyz`)).status === 200, { timeoutMs: 20_000, description: 'readiness to return once PostgreSQL is back' });
  });
});
