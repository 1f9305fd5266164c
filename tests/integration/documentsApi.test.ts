import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../common/closeCodes.js';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { signTestToken } from '../support/signTestToken.js';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';
import type { YjsClient } from '../support/YjsClient.js';

const codec = createContentCodec();
const resources = new TestResources();
let server: TestServer;

beforeAll(async () => {
  server = await resources.startServer();
});
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

interface ApiResponse {
  status: number;
  body: { error?: { code: string; message: string; issues?: { path: (string | number)[] }[] } } & Record<string, unknown>;
}

async function api(target: TestServer, method: string, path: string, options: { json?: unknown; token?: string; headers?: Record<string, string>; body?: string } = {}): Promise<ApiResponse> {
  const response = await fetch(`${target.httpUrl}${path}`, {
    method,
    headers: {
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as ApiResponse['body']) : {} };
}

/** What a client's copy of the document says, as Markdown. */
function markdownOf(client: YjsClient): string {
  return codec.toMarkdown(yXmlFragmentToProsemirrorJSON(client.doc.getXmlFragment('default')));
}

async function listed(target: TestServer, token?: string) {
  const { body } = await api(target, 'GET', '/api/documents', token ? { token } : {});
  return body['documents'] as { name: string; title: string | null; peers: number }[];
}

const PLAN = '# Launch plan\n\n- [ ] write the announcement\n- [x] book the room\n\n| Who | What |\n| --- | ---- |\n| Ada | Demo |\n';

describe('POST /api/documents', () => {
  it('creates a document from Markdown that every client then sees, titled by its first heading', async () => {
    const created = await api(server, 'POST', '/api/documents', { json: { name: 'launch', content: { format: 'markdown', value: PLAN } } });
    expect(created).toEqual({ status: 201, body: { name: 'launch', url: '/d/launch' } });
    expect((await listed(server)).find((document) => document.name === 'launch')?.title).toBe('Launch plan');
    const client = resources.connect(server, 'launch');
    await client.synced();
    expect(markdownOf(client)).toBe(codec.toMarkdown(codec.fromMarkdown(PLAN)));
  });

  it('seeds once when many create the same document at the same moment: one 201, the rest 409, the content once', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 6 }, (_, index) => api(server, 'POST', '/api/documents', { json: { name: 'stampede', content: { format: 'markdown', value: `# Take ${index}\n` } } })),
    );
    expect(attempts.map((attempt) => attempt.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(attempts.find((attempt) => attempt.status === 409)?.body.error?.code).toBe('document-exists');
    const client = resources.connect(server, 'stampede');
    await client.synced();
    expect(markdownOf(client)).toMatch(/^# Take \d\n$/);
  });

  it('refuses a document that exists, leaving its content alone', async () => {
    const client = resources.connect(server, 'typed-in');
    await client.synced();
    client.doc.getXmlFragment('default').insert(0, [new (await import('yjs')).XmlElement('paragraph')]);
    await waitFor(async () => (await listed(server)).some((document) => document.name === 'typed-in'), { description: 'typed-in is stored' });
    const again = await api(server, 'POST', '/api/documents', { json: { name: 'typed-in', content: { format: 'markdown', value: '# Overwrite\n' } } });
    expect(again.status).toBe(409);
    expect(markdownOf(client)).not.toContain('Overwrite');
  });

  it('gives editors already in an empty document the content live', async () => {
    const early = resources.connect(server, 'waiting-room');
    await early.synced();
    const created = await api(server, 'POST', '/api/documents', { json: { name: 'waiting-room', content: { format: 'html', value: '<h2>Hello</h2><p>from <strong>HTML</strong></p>' } } });
    expect(created.status).toBe(201);
    await waitFor(() => markdownOf(early) === '## Hello\n\nfrom **HTML**\n', { description: 'content arrives live' });
  });

  it('creates an empty document without content, and accepts TipTap JSON', async () => {
    expect((await api(server, 'POST', '/api/documents', { json: { name: 'blank' } })).status).toBe(201);
    const json = { type: 'doc', content: [{ type: 'heading', attrs: { level: 1 }, content: [{ type: 'text', text: 'From JSON' }] }] };
    expect((await api(server, 'POST', '/api/documents', { json: { name: 'from-json', content: { format: 'json', value: json } } })).status).toBe(201);
    const names = await listed(server);
    expect(names.find((document) => document.name === 'blank')?.title).toBeNull();
    expect(names.find((document) => document.name === 'from-json')?.title).toBe('From JSON');
  });

  it('explains bad requests with a stable code and changes nothing', async () => {
    const badName = await api(server, 'POST', '/api/documents', { json: { name: '../etc/passwd' } });
    expect(badName.status).toBe(400);
    expect(badName.body.error?.code).toBe('invalid-body');
    expect(badName.body.error?.issues?.[0]?.path).toEqual(['name']);
    const badFormat = await api(server, 'POST', '/api/documents', { json: { name: 'fine', content: { format: 'docx', value: '' } } });
    expect(badFormat.body.error?.code).toBe('invalid-body');
    const badJson = await api(server, 'POST', '/api/documents', { json: { name: 'fine', content: { format: 'json', value: { type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'text', text: 'no item' }] }] } } } });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error?.code).toBe('invalid-content');
    const notJson = await api(server, 'POST', '/api/documents', { body: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error?.code).toBe('invalid-body');
    expect((await listed(server)).some((document) => document.name === 'fine')).toBe(false);
  });

  it('refuses a post or delete from another site’s page, and takes them from the app’s own pages and from tools', async () => {
    // A form or text/plain post needs no CORS preflight, so the browser would send it.
    const forged = await api(server, 'POST', '/api/documents', {
      body: JSON.stringify({ name: 'forged' }),
      headers: { 'content-type': 'text/plain', origin: 'http://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error?.code).toBe('forbidden-origin');
    expect((await listed(server)).some((document) => document.name === 'forged')).toBe(false);
    expect((await api(server, 'POST', '/api/documents', { json: { name: 'kept' }, headers: { origin: server.httpUrl } })).status).toBe(201);
    expect((await api(server, 'DELETE', '/api/documents/kept', { headers: { origin: 'http://evil.example' } })).status).toBe(403);
    expect((await listed(server)).some((document) => document.name === 'kept')).toBe(true);
  });

  it('converts a large import off the event loop: the server keeps answering meanwhile', async () => {
    const paragraph = 'Some **bold** text, a [link](https://example.com) and `code`.\n\n';
    const markdown = `# Big\n\n${paragraph.repeat(Math.ceil((150 * 1024) / paragraph.length))}`;
    const startedAt = performance.now();
    const creating = api(server, 'POST', '/api/documents', { json: { name: 'big-import', content: { format: 'markdown', value: markdown } } });
    const slowest = { ms: 0 };
    let done = false;
    void creating.finally(() => (done = true));
    while (!done) {
      const before = performance.now();
      expect((await fetch(`${server.httpUrl}/healthz`)).status).toBe(200);
      slowest.ms = Math.max(slowest.ms, performance.now() - before);
    }
    const created = await creating;
    expect(created.status).toBe(201);
    const importMs = performance.now() - startedAt;
    // Converting took long enough that a blocked event loop would have shown.
    expect(importMs).toBeGreaterThan(500);
    expect(slowest.ms).toBeLessThan(importMs / 2);
    expect((await listed(server)).find((document) => document.name === 'big-import')?.title).toBe('Big');
  });

  it('refuses an import body over 1 MiB before converting anything', async () => {
    const tooBig = await api(server, 'POST', '/api/documents', { json: { name: 'too-big', content: { format: 'markdown', value: 'x'.repeat(1024 * 1024 + 128 * 1024) } } });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error?.code).toBe('body-too-large');
  });

  it('refuses content past the document size limit with 413, creating nothing', async () => {
    const small = await resources.startServer(['--max-document-bytes', '2048']);
    const tooLarge = await api(small, 'POST', '/api/documents', { json: { name: 'huge', content: { format: 'markdown', value: 'word '.repeat(2000) } } });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error?.code).toBe('document-too-large');
    expect(await listed(small)).toEqual([]);
  });
});

describe('DELETE /api/documents/<name>', () => {
  it('closes the editors in it with 4404 for good, removes its files, and answers 404 the second time', async () => {
    expect((await api(server, 'POST', '/api/documents', { json: { name: 'short-lived', content: { format: 'markdown', value: '# Bye\n' } } })).status).toBe(201);
    const editor = resources.connect(server, 'short-lived');
    await editor.synced();
    const deleted = await api(server, 'DELETE', '/api/documents/short-lived');
    expect(deleted.status).toBe(204);
    const close = await editor.closedByServer();
    expect(close.code).toBe(CloseCode.documentDeleted);
    expect(close.reason).toMatch(/deleted/);
    expect(editor.provider.shouldConnect).toBe(false);
    expect((await listed(server)).some((document) => document.name === 'short-lived')).toBe(false);
    expect((await readdir(join(server.dataDir, 'documents'))).filter((file) => file.includes('short-lived'))).toEqual([]);
    expect((await api(server, 'DELETE', '/api/documents/short-lived')).body.error?.code).toBe('not-found');
    expect((await api(server, 'DELETE', '/api/documents/..%2Fetc')).status).toBe(400);
  });

  it('lets the name be used again, for a new document with none of the old text', async () => {
    await api(server, 'POST', '/api/documents', { json: { name: 'reborn', content: { format: 'markdown', value: '# Old\n' } } });
    await api(server, 'DELETE', '/api/documents/reborn');
    expect((await api(server, 'POST', '/api/documents', { json: { name: 'reborn', content: { format: 'markdown', value: '# New\n' } } })).status).toBe(201);
    const client = resources.connect(server, 'reborn');
    await client.synced();
    expect(markdownOf(client)).toBe('# New\n');
  });
});

describe('titles', () => {
  it('follow the first heading live while a document is open, and survive a restart', async () => {
    const own = await resources.startServer();
    await api(own, 'POST', '/api/documents', { json: { name: 'retitled', content: { format: 'markdown', value: '# Draft\n' } } });
    const client = resources.connect(own, 'retitled');
    await client.synced();
    const heading = client.doc.getXmlFragment('default').get(0) as import('yjs').XmlElement;
    (heading.get(0) as import('yjs').XmlText).insert(5, ' two');
    await waitFor(async () => (await listed(own)).find((document) => document.name === 'retitled')?.title === 'Draft two', { description: 'live title' });
    client.destroy();
    // SIGTERM: the server writes a last snapshot, with the title, before it exits.
    await own.restart();
    expect((await listed(own)).find((document) => document.name === 'retitled')?.title).toBe('Draft two');
  });
});

describe('with authentication on', () => {
  const SECRET = 'documents-api-secret-0123456789abcdefghij';
  let secured: TestServer;
  beforeAll(async () => {
    secured = await resources.startServer([], { env: { AUTH_SECRET: SECRET } });
  });

  it('creates and deletes only with a write token that covers the document', async () => {
    const writer = await signTestToken(SECRET, { documents: ['team-*'] });
    const reader = await signTestToken(SECRET, { documents: ['team-*'], access: 'read' });
    const json = { name: 'team-notes', content: { format: 'markdown', value: '# Notes\n' } };
    expect((await api(secured, 'POST', '/api/documents', { json })).status).toBe(401);
    expect((await api(secured, 'POST', '/api/documents', { json, token: reader })).body.error?.code).toBe('forbidden');
    expect((await api(secured, 'POST', '/api/documents', { json: { ...json, name: 'other-notes' }, token: writer })).status).toBe(403);
    expect((await api(secured, 'POST', '/api/documents', { json, token: writer })).status).toBe(201);
    expect((await api(secured, 'DELETE', '/api/documents/team-notes', { token: reader })).status).toBe(403);
    expect((await api(secured, 'DELETE', '/api/documents/team-notes')).status).toBe(401);
    expect((await listed(secured, writer)).map((document) => document.name)).toEqual(['team-notes']);
    expect((await api(secured, 'DELETE', '/api/documents/team-notes', { token: writer })).status).toBe(204);
    expect(await listed(secured, writer)).toEqual([]);
  });
});
