import { execFile } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mintAccessToken, type GrantRequest } from '../../server/access/accessToken.js';
import { signTestToken } from '../support/signTestToken.js';
import { TestResources } from '../support/TestResources.js';
import { REPO_ROOT, type TestServer } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';
import type { YjsClient } from '../support/YjsClient.js';

const AUTH_SECRET = 'integration-test-secret-0123456789-abcdef';
const ADMIN_KEY = 'integration-admin-key-0123456789';
const resources = new TestResources();
let server: TestServer;

beforeAll(async () => {
  server = await resources.startServer([], { env: { AUTH_SECRET, ADMIN_KEY } });
});
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

async function token(grant: Partial<GrantRequest> & Pick<GrantRequest, 'documents'>, expiresIn: string | number = '1h'): Promise<string> {
  return (await mintAccessToken(AUTH_SECRET, { access: 'write', ...grant }, expiresIn)).token;
}

function connect(documentName: string, accessToken?: string): YjsClient {
  return resources.connect(server, documentName, accessToken ? { token: accessToken } : {});
}

describe('WebSocket access with authentication on', () => {
  it('refuses a missing, forged or expired token with 4401, and the client stops retrying', async () => {
    const expired = await signTestToken(AUTH_SECRET, { documents: ['notes'], expiresInSeconds: -5 });
    const forged = (await mintAccessToken('a-different-secret-of-enough-length-0123', { documents: ['notes'], access: 'write' }, '1h')).token;
    const cases: [string | undefined, RegExp][] = [
      [undefined, /access token is required/],
      [forged, /invalid access token/],
      [expired, /access token expired/],
      ['garbage', /invalid access token/],
    ];
    for (const [accessToken, reason] of cases) {
      const client = connect('notes', accessToken);
      const closed = await client.closedByServer();
      expect(closed).toMatchObject({ code: 4401, reason: expect.stringMatching(reason) });
      expect(client.provider.shouldConnect).toBe(false);
      expect(client.provider.synced).toBe(false);
    }
  });

  it('refuses a token for another document with 4403, and admits one for a prefix', async () => {
    const other = connect('notes', await token({ documents: ['plans'] }));
    expect(await other.closedByServer()).toMatchObject({ code: 4403, reason: 'this access token does not cover document "notes"' });
    const prefixed = connect('team-notes', await token({ documents: ['team-*'] }));
    await prefixed.synced();
  });

  it('read-only peers see every change live, but what they type reaches nobody and is not stored', async () => {
    const writer = connect('readonly-doc', await token({ documents: ['readonly-doc'], name: 'Alice' }));
    const reader = connect('readonly-doc', await token({ documents: ['readonly-doc'], access: 'read', name: 'Bob' }));
    await Promise.all([writer.synced(), reader.synced()]);
    writer.text.insert(0, 'written by Alice. ');
    await reader.textEquals('written by Alice. ');

    reader.text.insert(0, 'INJECTED ');
    // Alice's next change reaches the reader after anything the reader sent was handled.
    writer.text.insert(writer.text.length, 'More.');
    await reader.docSatisfies((client) => client.text.toString().includes('More.'), 'the writer’s second change');
    expect(writer.text.toString()).toBe('written by Alice. More.');
    // The reader is still connected, and its caret and name are shown to the writer.
    expect(reader.closeEvents).toEqual([]);
    reader.provider.awareness.setLocalStateField('user', { name: 'Bob', color: '#00f' });
    await writer.presenceEquals(['Bob']);

    await server.restart();
    const fresh = connect('readonly-doc', await token({ documents: ['readonly-doc'] }));
    await fresh.textEquals('written by Alice. More.');
  });

  it('shows everyone the name from the token, whatever a client claims', async () => {
    const alice = connect('names', await token({ documents: ['names'], name: 'Alice', color: '#ff0000' }));
    const viewer = connect('names', await token({ documents: ['names'], name: 'Viewer' }));
    await Promise.all([alice.synced(), viewer.synced()]);
    alice.provider.awareness.setLocalStateField('user', { name: 'Mallory', color: '#000000' });
    await viewer.presenceEquals(['Alice']);
    const state = [...viewer.provider.awareness.getStates().entries()].find(([id]) => id === alice.doc.clientID)?.[1];
    expect(state).toMatchObject({ user: { name: 'Alice', color: '#ff0000' } });
  });

  it('closes a connection with 4401 when its token expires, and shows a nameless token as Guest', async () => {
    const shortLived = connect('expiring', (await mintAccessToken(AUTH_SECRET, { documents: ['expiring'], access: 'write' }, 2)).token);
    const watcher = connect('expiring', await token({ documents: ['expiring'], name: 'Watcher' }));
    await Promise.all([shortLived.synced(), watcher.synced()]);
    shortLived.provider.awareness.setLocalStateField('user', { name: 'Alice', color: '#ff0000' });
    await watcher.presenceEquals(['Guest']);
    expect(await shortLived.closedByServer(5000)).toEqual({ code: 4401, reason: 'access token expired' });
    await watcher.presenceEquals([]);
  });

  it('logs a read-only peer’s dropped change once', async () => {
    const reader = connect('drop-log', await token({ documents: ['drop-log'], access: 'read' }));
    await reader.synced();
    reader.text.insert(0, 'one');
    reader.text.insert(0, 'two');
    const writer = connect('drop-log', await token({ documents: ['drop-log'] }));
    await writer.synced();
    writer.text.insert(0, 'x');
    await reader.docSatisfies((client) => client.text.toString().includes('x'), 'the writer’s change');
    expect(server.logs.filter((line) => line.msg === 'dropped a document change from a read-only peer' && line.documentName === 'drop-log')).toHaveLength(1);
    expect(writer.text.toString()).toBe('x');
  });

  it('refuses a malformed query with 4400', async () => {
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const socket = new WebSocket(`${server.wsUrl}/notes?saved=yes&token=x`);
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      socket.on('error', reject);
    });
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(/bad query/);
  });
});

describe('HTTP API with authentication on', () => {
  it('GET /api/documents needs a token and lists only what it covers', async () => {
    const writer = connect('team-alpha', await token({ documents: ['*'] }));
    const outsider = connect('private-beta', await token({ documents: ['*'] }));
    await Promise.all([writer.synced(), outsider.synced()]);
    writer.text.insert(0, 'a');
    outsider.text.insert(0, 'b');

    const missing = await fetch(`${server.httpUrl}/api/documents`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await missing.json()).toEqual({ error: { code: 'unauthorized', message: 'an access token is required' } });

    const expired = await fetch(`${server.httpUrl}/api/documents`, {
      headers: { Authorization: `Bearer ${await signTestToken(AUTH_SECRET, { documents: ['*'], access: 'read', expiresInSeconds: -5 })}` },
    });
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { code: string } }).error.code).toBe('token-expired');

    const listed = await waitForListing(await token({ documents: ['team-*'], access: 'read' }), 'team-alpha');
    expect(listed).toContain('team-alpha');
    expect(listed).not.toContain('private-beta');
    const byQuery = await fetch(`${server.httpUrl}/api/documents?token=${await token({ documents: ['private-beta'] })}`);
    expect(((await byQuery.json()) as { documents: { name: string }[] }).documents.map((d) => d.name)).toEqual(['private-beta']);
  });

  it('POST /api/tokens needs the admin key, validates its body and mints a working token with a share link', async () => {
    const url = `${server.httpUrl}/api/tokens`;
    const body = JSON.stringify({ documents: ['minted'], access: 'read', name: 'Dana', color: '#22aa88', expiresIn: '2h' });
    const headers = { 'Content-Type': 'application/json' };

    const noKey = await fetch(url, { method: 'POST', headers, body });
    expect(noKey.status).toBe(401);
    expect(((await noKey.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const wrongKey = await fetch(url, { method: 'POST', headers: { ...headers, Authorization: 'Bearer not-the-admin-key' }, body });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toEqual({ error: { code: 'unauthorized', message: 'wrong admin key' } });

    const admin = { ...headers, Authorization: `Bearer ${ADMIN_KEY}` };
    const invalid = await fetch(url, { method: 'POST', headers: admin, body: JSON.stringify({ documents: ['../etc'], access: 'owner', color: 'red' }) });
    expect(invalid.status).toBe(400);
    const problem = (await invalid.json()) as { error: { code: string; message: string; issues: { path: (string | number)[] }[] } };
    expect(problem.error.code).toBe('invalid-body');
    expect(problem.error.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['access', 'color', 'documents.0']);
    const notJson = await fetch(url, { method: 'POST', headers: admin, body: '{"documents":' });
    expect(notJson.status).toBe(400);
    const huge = await fetch(url, { method: 'POST', headers: admin, body: JSON.stringify({ documents: ['a'], name: 'x'.repeat(100_000) }) });
    expect(huge.status).toBe(413);
    for (const expiresIn of ['0s', '400d', '5 fortnights']) {
      const bad = await fetch(url, { method: 'POST', headers: admin, body: JSON.stringify({ documents: ['a'], expiresIn }) });
      expect(bad.status, expiresIn).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid-body');
    }

    const created = await fetch(url, { method: 'POST', headers: admin, body });
    expect(created.status).toBe(201);
    const minted = (await created.json()) as { token: string; link: string; expiresAt: string; access: string };
    expect(minted.access).toBe('read');
    expect(minted.link).toBe(`${server.httpUrl}/d/minted?token=${minted.token}`);
    expect(Date.parse(minted.expiresAt) - Date.now()).toBeGreaterThan(7100_000);

    const writer = connect('minted', await token({ documents: ['minted'] }));
    const reader = connect('minted', minted.token);
    await Promise.all([writer.synced(), reader.synced()]);
    reader.provider.awareness.setLocalStateField('user', { name: 'Someone else' });
    await writer.presenceEquals(['Dana']);
    writer.text.insert(0, 'hello Dana');
    await reader.textEquals('hello Dana');
  });

  it('serves pages with security headers', async () => {
    for (const path of ['/', '/d/notes']) {
      const response = await fetch(`${server.httpUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'self'/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });
});

describe('tandem token (the command)', () => {
  const run = promisify(execFile);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(process.execPath, ['dist/server/main.js', 'token', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env } });

  it('prints a token and a share link that the server accepts', async () => {
    const { stdout } = await cli(['--document', 'cli-doc', '--read-only', '--name', 'Alice', '--expires', '7d', '--url', server.httpUrl], { AUTH_SECRET });
    const [printedToken] = stdout.split('\n');
    expect(stdout).toContain(`Share link (read as Alice, until `);
    expect(stdout).toContain(`${server.httpUrl}/d/cli-doc?token=${printedToken}`);

    const writer = connect('cli-doc', await token({ documents: ['cli-doc'] }));
    const reader = connect('cli-doc', printedToken);
    await Promise.all([writer.synced(), reader.synced()]);
    reader.provider.awareness.setLocalStateField('user', { name: 'anyone' });
    await writer.presenceEquals(['Alice']);
  });

  it('prints JSON for scripts, help with exit 0, and every problem with exit 2', async () => {
    const { stdout } = await cli(['--prefix', 'team-', '--json'], { AUTH_SECRET, PUBLIC_URL: 'https://docs.example' });
    expect(JSON.parse(stdout)).toMatchObject({ link: expect.stringMatching(/^https:\/\/docs\.example\/\?token=/) });
    expect((await cli(['--help'])).stdout).toMatch(/Usage: tandem token/);
    const failure = await cli(['--document', 'a b'], { AUTH_SECRET: '' }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2, stderr: expect.stringMatching(/AUTH_SECRET[\s\S]*--document: expected a document name/) });
  });
});

describe('without authentication', () => {
  let open: TestServer;
  beforeAll(async () => {
    open = await resources.startServer([], { env: { ALLOWED_ORIGINS: 'https://app.example' } });
  });

  /** How the server answers a WebSocket from a page on `origin`. */
  function connectFrom(origin: string | undefined): Promise<'open' | { code: number; reason: string }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${open.wsUrl}/origins`, origin ? { origin } : {});
      socket.on('message', () => {
        resolve('open');
        socket.close();
      });
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      socket.on('error', reject);
    });
  }

  it('checks the Origin of WebSockets: same origin, allowed origins and non-browsers pass; other sites get 4403', async () => {
    expect(await connectFrom(`http://127.0.0.1:${open.port}`)).toBe('open');
    expect(await connectFrom('https://app.example')).toBe('open');
    expect(await connectFrom(undefined)).toBe('open');
    expect(await connectFrom('https://evil.example')).toEqual({ code: 4403, reason: 'pages from https://evil.example may not connect to this server' });
    expect(await connectFrom(`http://localhost:${open.port + 1}`)).toMatchObject({ code: 4403 });
  });

  it('answers only to IP addresses, localhost and PUBLIC_URL’s name, against DNS rebinding', async () => {
    const rebound = `evil.example:${open.port}`;
    const closed = await new Promise<{ code: number; reason: string }>((resolve, reject) => {
      const socket = new WebSocket(`${open.wsUrl}/rebound`, { headers: { Host: rebound }, origin: `http://${rebound}` });
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      socket.on('error', reject);
    });
    expect(closed).toEqual({ code: 4403, reason: `this server does not answer to ${rebound}; set PUBLIC_URL to its name` });
    const listing = await new Promise<number | undefined>((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port: open.port, path: '/api/documents', headers: { Host: rebound } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(listing).toBe(403);
    expect((await fetch(`http://localhost:${open.port}/api/documents`)).status).toBe(200);
  });

  it('turns the token endpoint off', async () => {
    const response = await fetch(`${open.httpUrl}/api/tokens`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not-enabled');
  });

  it('warns when it listens beyond this machine, and only then', async () => {
    const warning = (line: { msg: string }) => /authentication is off/.test(line.msg);
    const exposed = await resources.startServer(['--host', '0.0.0.0']);
    const logged = await waitFor(() => exposed.findLog(warning), { description: 'the open-server warning' });
    expect(logged).toMatchObject({ level: 40, msg: expect.stringMatching(/anyone who can reach it can read and change every document/) });
    // The loopback server started earlier has logged everything it logs at start-up by now.
    expect(open.findLog(warning)).toBeUndefined();
  });
});

async function waitForListing(accessToken: string, expected: string): Promise<string[]> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch(`${server.httpUrl}/api/documents`, { headers: { Authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);
    const names = ((await response.json()) as { documents: { name: string }[] }).documents.map((document) => document.name);
    if (names.includes(expected) || attempt > 50) return names;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
