import { readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { yXmlFragmentToProsemirrorJSON } from '@tiptap/y-tiptap';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { createDocumentOnServer } from '../support/documentApi.js';
import { signTestToken } from '../support/signTestToken.js';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';
import type { YjsClient } from '../support/YjsClient.js';

const codec = createContentCodec();
const resources = new TestResources();
let server: TestServer;

beforeAll(async () => {
  server = await resources.startServer();
});
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: (string | number)[] }[] };
}

async function request(target: TestServer, method: string, path: string, options: { json?: unknown; token?: string } = {}): Promise<Response> {
  return fetch(`${target.httpUrl}${path}`, {
    method,
    headers: {
      ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.json !== undefined ? { body: JSON.stringify(options.json) } : {}),
  });
}

/** Status and JSON body (or error code) of a request. */
async function api(target: TestServer, method: string, path: string, options: { json?: unknown; token?: string } = {}) {
  const response = await request(target, method, path, options);
  const text = await response.text();
  const body = text ? (JSON.parse(text) as Record<string, unknown> & Partial<ErrorBody>) : {};
  return { status: response.status, body, code: body.error?.code, headers: response.headers };
}

async function readContent(target: TestServer, documentName: string, format: string, token?: string): Promise<string> {
  const response = await request(target, 'GET', `/api/documents/${documentName}/content?format=${format}`, token ? { token } : {});
  expect(response.status).toBe(200);
  return response.text();
}

const markdownBody = (value: string) => ({ content: { format: 'markdown', value } });

/** What a client's copy of the document says, as Markdown. */
function markdownOf(client: YjsClient): string {
  return codec.toMarkdown(yXmlFragmentToProsemirrorJSON(client.doc.getXmlFragment('default')));
}

function blocksOf(client: YjsClient): Y.XmlElement[] {
  return client.doc.getXmlFragment('default').toArray() as Y.XmlElement[];
}

/** Re-runs an HTTP check until it holds (state without events: a short poll, bounded). */
async function eventually(check: () => Promise<boolean>, description: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function loadedDocuments(target: TestServer): Promise<number> {
  return ((await (await fetch(`${target.httpUrl}/healthz`)).json()) as { loadedDocuments: number }).loadedDocuments;
}

const PLAN = '# Launch plan\n\nSome **bold** text and a [link](https://example.com).\n\n- [ ] write the announcement\n- [x] book the room\n';

describe('GET /api/documents/<name>', () => {
  it('answers one entry of the list, 404 for a missing document and 400 for a bad name', async () => {
    await createDocumentOnServer(server, 'entry', PLAN);
    const { status, body } = await api(server, 'GET', '/api/documents/entry');
    expect(status).toBe(200);
    const listed = (await api(server, 'GET', '/api/documents')).body['documents'] as Record<string, unknown>[];
    expect(body).toEqual(listed.find((document) => document['name'] === 'entry'));
    expect(body).toMatchObject({ name: 'entry', title: 'Launch plan', peers: 0 });
    expect((await api(server, 'GET', '/api/documents/no-such-doc')).code).toBe('not-found');
    const badName = await api(server, 'GET', '/api/documents/..%2Fetc');
    expect([badName.status, badName.code]).toEqual([400, 'bad-document-name']);
  });
});

describe('GET /api/documents/<name>/content', () => {
  beforeAll(async () => {
    await createDocumentOnServer(server, 'formats', PLAN);
  });

  it('reads TipTap JSON by default', async () => {
    const response = await request(server, 'GET', '/api/documents/formats/content');
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(codec.checkDocument(await response.json())).toEqual(codec.fromMarkdown(PLAN));
  });

  it('reads Markdown, HTML and plain text, each with its media type', async () => {
    const cases = [
      ['markdown', 'text/markdown; charset=utf-8', codec.toMarkdown(codec.fromMarkdown(PLAN))],
      ['html', 'text/html; charset=utf-8', '<h1>Launch plan</h1><p>Some <strong>bold</strong> text and a <a target="_blank" rel="noopener noreferrer nofollow" href="https://example.com">link</a>.</p>'],
      ['text', 'text/plain; charset=utf-8', 'Launch plan\n\nSome bold text and a link.\n\nwrite the announcement\n\nbook the room\n'],
    ] as const;
    for (const [format, contentType, expected] of cases) {
      const response = await request(server, 'GET', `/api/documents/formats/content?format=${format}`);
      expect(response.headers.get('content-type')).toBe(contentType);
      const body = await response.text();
      if (format === 'html') expect(body.startsWith(expected)).toBe(true);
      else expect(body).toBe(expected);
    }
  });

  it('reads the whole document as one Yjs update that equals what a connected client has', async () => {
    const client = resources.connect(server, 'formats');
    await client.synced();
    const response = await request(server, 'GET', '/api/documents/formats/content?format=yjs');
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, new Uint8Array(await response.arrayBuffer()));
    expect(yXmlFragmentToProsemirrorJSON(copy.getXmlFragment('default'))).toEqual(yXmlFragmentToProsemirrorJSON(client.doc.getXmlFragment('default')));
    expect(Y.encodeStateVector(copy)).toEqual(Y.encodeStateVector(client.doc));
  });

  it('reads the live text of an open document, typed a moment ago', async () => {
    const client = resources.connect(server, 'formats');
    await client.synced();
    const heading = blocksOf(client)[0]!.get(0) as Y.XmlText;
    heading.insert(heading.length, ' v2');
    await eventually(async () => (await readContent(server, 'formats', 'markdown')).startsWith('# Launch plan v2\n'), 'the typed text to be readable');
  });

  it('refuses an unknown format with 400 invalid-query, a missing document with 404, a bad name with 400', async () => {
    const badFormat = await api(server, 'GET', '/api/documents/formats/content?format=docx');
    expect([badFormat.status, badFormat.code]).toEqual([400, 'invalid-query']);
    expect(badFormat.body.error?.issues?.[0]?.path).toEqual(['format']);
    const missing = await api(server, 'GET', '/api/documents/ghost/content?format=markdown');
    expect([missing.status, missing.code]).toEqual([404, 'not-found']);
    expect((await api(server, 'GET', '/api/documents/..%2Fetc/content')).code).toBe('bad-document-name');
    // Reading never creates a document.
    expect((await readdir(join(server.dataDir, 'documents'))).filter((file) => file.includes('ghost'))).toEqual([]);
    expect((await api(server, 'GET', '/api/documents/ghost')).status).toBe(404);
  });

  it('reads a stored document nobody has open (after a restart), and unloads it again', async () => {
    const own = await resources.startServer();
    await createDocumentOnServer(own, 'archived', PLAN);
    await own.restart();
    expect(await loadedDocuments(own)).toBe(0);
    expect(await readContent(own, 'archived', 'markdown')).toBe(codec.toMarkdown(codec.fromMarkdown(PLAN)));
    await eventually(async () => (await loadedDocuments(own)) === 0, 'the document to be unloaded after the read');
  });
});

describe('PUT and POST /api/documents/<name>/content', () => {
  it('replaces the content live for a connected stock client, and the change survives a crash right after the 200', async () => {
    const own = await resources.startServer();
    await createDocumentOnServer(own, 'replaced', PLAN);
    const client = resources.connect(own, 'replaced');
    await client.synced();
    const replaced = await api(own, 'PUT', '/api/documents/replaced/content', { json: markdownBody('# Launch plan\n\nAll *new* text.\n') });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toEqual({ name: 'replaced', size: expect.any(Number) });
    await client.docSatisfies((c) => markdownOf(c) === '# Launch plan\n\nAll *new* text.\n', 'the replaced content to arrive');
    client.destroy();
    // SIGKILL: no shutdown save. Only what was in the log before the 200 can be there.
    await own.restart('SIGKILL');
    expect(await readContent(own, 'replaced', 'markdown')).toBe('# Launch plan\n\nAll *new* text.\n');
  });

  it('appends live after the existing content, from HTML or TipTap JSON too, and survives a crash', async () => {
    const own = await resources.startServer();
    await createDocumentOnServer(own, 'journal', '# Journal\n');
    const client = resources.connect(own, 'journal');
    await client.synced();
    expect((await api(own, 'POST', '/api/documents/journal/content', { json: markdownBody('- [ ] first entry\n') })).status).toBe(200);
    expect((await api(own, 'POST', '/api/documents/journal/content', { json: { content: { format: 'html', value: '<p>second <em>entry</em></p>' } } })).status).toBe(200);
    const json = { type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'third entry' }] }] };
    expect((await api(own, 'POST', '/api/documents/journal/content', { json: { content: { format: 'json', value: json } } })).status).toBe(200);
    const expected = '# Journal\n\n- [ ] first entry\n\nsecond *entry*\n\nthird entry\n';
    await client.docSatisfies((c) => markdownOf(c) === expected, 'the appended content to arrive');
    await own.restart('SIGKILL');
    expect(await readContent(own, 'journal', 'markdown')).toBe(expected);
  });

  it('keeps carets in blocks a replace leaves alone: positions in them still resolve to the same place', async () => {
    await createDocumentOnServer(server, 'carets', '# Title\n\nuntouched paragraph\n\nold paragraph\n');
    const client = resources.connect(server, 'carets');
    await client.synced();
    const [, untouched] = blocksOf(client);
    const text = untouched!.get(0) as Y.XmlText;
    const caret = Y.createRelativePositionFromTypeIndex(text, 9);
    expect((await api(server, 'PUT', '/api/documents/carets/content', { json: markdownBody('# Title\n\nuntouched paragraph\n\nnew paragraph\n\nand one more\n') })).status).toBe(200);
    await client.docSatisfies((c) => markdownOf(c).endsWith('new paragraph\n\nand one more\n'), 'the replace to arrive');
    expect(blocksOf(client)[1]).toBe(untouched);
    const resolved = Y.createAbsolutePositionFromRelativePosition(caret, client.doc);
    expect(resolved?.type).toBe(text);
    expect(resolved?.index).toBe(9);
  });

  it('merges text typed concurrently: kept in blocks the replace keeps or edits, gone with blocks it removes, and everyone converges', async () => {
    await createDocumentOnServer(server, 'concurrent', '# Notes\n\nkeep me\n\nchange me\n\ndrop me\n');
    const typist = resources.connect(server, 'concurrent');
    const watcher = resources.connect(server, 'concurrent');
    await Promise.all([typist.synced(), watcher.synced()]);
    // The typist's edits are concurrent with the replace: made before it, received by the server after it.
    typist.provider.disconnect();
    const [, keep, change, drop] = blocksOf(typist);
    (keep!.get(0) as Y.XmlText).insert('keep me'.length, ' (typed)');
    (change!.get(0) as Y.XmlText).insert(0, 'typed: ');
    (drop!.get(0) as Y.XmlText).insert('drop me'.length, ' (typed)');
    expect((await api(server, 'PUT', '/api/documents/concurrent/content', { json: markdownBody('# Notes\n\nkeep me\n\nchanged\n') })).status).toBe(200);
    await watcher.docSatisfies((c) => markdownOf(c) === '# Notes\n\nkeep me\n\nchanged\n', 'the replace to reach the watcher');
    typist.provider.connect();
    await typist.synced();
    await watcher.docSatisfies((c) => markdownOf(c).includes('keep me (typed)'), 'the typist’s text to reach the watcher');
    await typist.docSatisfies((c) => markdownOf(c) === markdownOf(watcher), 'the typist to converge with the watcher');
    const result = markdownOf(watcher);
    // "change me" → "changed" is edited in place (same paragraph, text diffed), so text typed at its start stays there;
    // the paragraph that was dropped takes what was typed into it along.
    expect(result).toBe('# Notes\n\nkeep me (typed)\n\ntyped: changed\n');
    await eventually(async () => (await readContent(server, 'concurrent', 'markdown')) === result, 'the server to hold the converged text');
  });

  it('refuses a change past the document size limit with 413 and leaves the document as it was', async () => {
    const small = await resources.startServer(['--max-document-bytes', '4096']);
    await createDocumentOnServer(small, 'bounded', '# Bounded\n');
    const client = resources.connect(small, 'bounded');
    await client.synced();
    const huge = markdownBody('word '.repeat(2000));
    for (const method of ['PUT', 'POST']) {
      const refused = await api(small, method, '/api/documents/bounded/content', { json: huge });
      expect([refused.status, refused.code]).toEqual([413, 'document-too-large']);
    }
    expect(await readContent(small, 'bounded', 'markdown')).toBe('# Bounded\n');
    // A later, small change arrives alone: the refused ones never reached the client.
    expect((await api(small, 'POST', '/api/documents/bounded/content', { json: markdownBody('small\n') })).status).toBe(200);
    await client.docSatisfies((c) => markdownOf(c) === '# Bounded\n\nsmall\n', 'the small change to arrive');
  });

  it('explains bad requests with stable codes and creates nothing', async () => {
    await createDocumentOnServer(server, 'strict', '# Strict\n');
    const missing = await api(server, 'PUT', '/api/documents/nowhere/content', { json: markdownBody('text\n') });
    expect([missing.status, missing.code]).toEqual([404, 'not-found']);
    expect((await api(server, 'POST', '/api/documents/nowhere/content', { json: markdownBody('text\n') })).status).toBe(404);
    expect((await api(server, 'GET', '/api/documents/nowhere')).status).toBe(404);
    const badName = await api(server, 'PUT', '/api/documents/..%2Fetc/content', { json: markdownBody('x') });
    expect([badName.status, badName.code]).toEqual([400, 'bad-document-name']);
    const noContent = await api(server, 'PUT', '/api/documents/strict/content', { json: { value: 'x' } });
    expect([noContent.status, noContent.code]).toEqual([400, 'invalid-body']);
    const badFormat = await api(server, 'PUT', '/api/documents/strict/content', { json: { content: { format: 'docx', value: 'x' } } });
    expect(badFormat.code).toBe('invalid-body');
    const unfit = { type: 'doc', content: [{ type: 'bulletList', content: [{ type: 'text', text: 'no item' }] }] };
    const invalid = await api(server, 'POST', '/api/documents/strict/content', { json: { content: { format: 'json', value: unfit } } });
    expect([invalid.status, invalid.code]).toEqual([400, 'invalid-content']);
    expect(await readContent(server, 'strict', 'markdown')).toBe('# Strict\n');
  });

  it('answers 503 storage-unavailable while the disk refuses writes or reads, and saves an append once exactly when it recovers', async () => {
    const own = await resources.startServer(['--snapshot-idle-ms', '60000', '--snapshot-max-wait-ms', '60000']);
    await createDocumentOnServer(own, 'on-a-bad-disk', '# Disk\n');
    const client = resources.connect(own, 'on-a-bad-disk', { wantsSavedState: true });
    await client.synced();
    // The documents directory is moved aside and a file takes its place: appends fail (and are retried), loads fail.
    const documents = join(own.dataDir, 'documents');
    await rename(documents, `${documents}.aside`);
    await writeFile(documents, 'not a directory');
    const appended = await api(own, 'POST', '/api/documents/on-a-bad-disk/content', { json: markdownBody('written during the outage\n') });
    expect([appended.status, appended.code, appended.headers.get('retry-after')]).toEqual([503, 'storage-unavailable', '5']);
    expect(appended.body.error?.message).toMatch(/read the content before repeating it/);
    // The change is live for the editors meanwhile.
    await client.docSatisfies((c) => markdownOf(c).includes('written during the outage'), 'the append to arrive live');
    const unloaded = await api(own, 'GET', '/api/documents/never-loaded/content');
    expect([unloaded.status, unloaded.code]).toEqual([503, 'storage-unavailable']);

    expect(unloaded.body.error?.message).not.toContain(own.dataDir);

    await rm(documents);
    await rename(`${documents}.aside`, documents);
    await client.saved(15_000);
    // A damaged file is no passing failure: no "retry", and no server path in the answer.
    await writeFile(join(documents, 'broken.json'), '{"state": 12');
    const damaged = await api(own, 'GET', '/api/documents/broken/content');
    expect([damaged.status, damaged.code, damaged.headers.get('retry-after')]).toEqual([500, 'document-damaged', null]);
    expect(damaged.body.error?.message).not.toContain(own.dataDir);
    await rm(join(documents, 'broken.json'));
    client.destroy();
    await own.restart('SIGKILL');
    expect(await readContent(own, 'on-a-bad-disk', 'markdown')).toBe('# Disk\n\nwritten during the outage\n');
  });

  it('never brings back a document deleted at the same moment as a change', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const name = `race-${attempt}`;
      await createDocumentOnServer(server, name, '# Race\n');
      const [changed, deleted] = await Promise.all([
        api(server, attempt % 2 === 0 ? 'PUT' : 'POST', `/api/documents/${name}/content`, { json: markdownBody('more\n') }),
        api(server, 'DELETE', `/api/documents/${name}`),
      ]);
      expect(deleted.status).toBe(204);
      expect([200, 404]).toContain(changed.status);
      expect((await api(server, 'GET', `/api/documents/${name}`)).status).toBe(404);
      expect((await api(server, 'GET', `/api/documents/${name}/content`)).status).toBe(404);
      expect((await readdir(join(server.dataDir, 'documents'))).filter((file) => file.startsWith(`${name}.`))).toEqual([]);
    }
  });
});

describe('with authentication on', () => {
  const SECRET = 'content-api-secret-0123456789abcdefghijkl';
  let secured: TestServer;
  let writer: string;
  beforeAll(async () => {
    secured = await resources.startServer([], { env: { AUTH_SECRET: SECRET } });
    writer = await signTestToken(SECRET, { documents: ['team-*'] });
    expect((await api(secured, 'POST', '/api/documents', { json: { name: 'team-plan', content: { format: 'markdown', value: '# Plan\n' } }, token: writer })).status).toBe(201);
  });

  it('reads with a read or write token that covers the document; 401 without a token, 403 with one for other documents', async () => {
    const reader = await signTestToken(SECRET, { documents: ['team-plan'], access: 'read' });
    const stranger = await signTestToken(SECRET, { documents: ['other-*'] });
    expect(await readContent(secured, 'team-plan', 'markdown', reader)).toBe('# Plan\n');
    expect(await readContent(secured, 'team-plan', 'text', writer)).toBe('Plan\n');
    expect((await api(secured, 'GET', '/api/documents/team-plan', { token: reader })).body).toMatchObject({ name: 'team-plan', title: 'Plan' });
    const anonymous = await api(secured, 'GET', '/api/documents/team-plan/content');
    expect([anonymous.status, anonymous.code]).toEqual([401, 'unauthorized']);
    const uncovered = await api(secured, 'GET', '/api/documents/team-plan/content', { token: stranger });
    expect([uncovered.status, uncovered.code]).toEqual([403, 'forbidden']);
    expect((await api(secured, 'GET', '/api/documents/team-plan', { token: stranger })).status).toBe(403);
    // The token may also come as ?token=, as in share links.
    expect((await fetch(`${secured.httpUrl}/api/documents/team-plan/content?format=text&token=${reader}`)).status).toBe(200);
  });

  it('changes only with a write token that covers the document', async () => {
    const reader = await signTestToken(SECRET, { documents: ['team-plan'], access: 'read' });
    const stranger = await signTestToken(SECRET, { documents: ['other-*'] });
    const body = markdownBody('# Plan\n\nagreed\n');
    for (const method of ['PUT', 'POST']) {
      expect((await api(secured, method, '/api/documents/team-plan/content', { json: body })).status).toBe(401);
      const readOnly = await api(secured, method, '/api/documents/team-plan/content', { json: body, token: reader });
      expect([readOnly.status, readOnly.code]).toEqual([403, 'forbidden']);
      expect(readOnly.body.error?.message).toMatch(/read-only/);
      expect((await api(secured, method, '/api/documents/team-plan/content', { json: body, token: stranger })).status).toBe(403);
    }
    expect(await readContent(secured, 'team-plan', 'markdown', writer)).toBe('# Plan\n');
    expect((await api(secured, 'PUT', '/api/documents/team-plan/content', { json: body, token: writer })).status).toBe(200);
    expect(await readContent(secured, 'team-plan', 'markdown', reader)).toBe('# Plan\n\nagreed\n');
  });
});

describe('GET /api/openapi.json', () => {
  it('serves a valid OpenAPI 3.1 description, without a token even with authentication on', async () => {
    const secured = await resources.startServer([], { env: { AUTH_SECRET: 'openapi-secret-0123456789abcdefghijklmnop' } });
    const response = await fetch(`${secured.httpUrl}/api/openapi.json`);
    expect(response.status).toBe(200);
    const description = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(description.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(description) as never);
    expect(Object.keys(description.paths)).toContain('/api/documents/{documentName}/content');
  });
});
