import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JSONContent } from '@tiptap/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { createContentExporter } from '../../server/content/createContentExporter.js';
import { createContentImporter } from '../../server/content/createContentImporter.js';
import { DOCUMENT_FRAGMENT, documentTitle } from '../../server/rooms/documentTitle.js';
import type { StoredDocument } from '../../storage/DocumentStore.js';
import { documentFileName } from '../../storage/documentFileName.js';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';
import { PostgresDocumentStore } from '../../storage/PostgresDocumentStore.js';
import { closedPort } from '../support/closedPort.js';
import { PostgresServer } from '../support/PostgresServer.js';
import { runTandem } from '../support/runTandem.js';
import { TestServer } from '../support/TestServer.js';

// Each command is a fresh Node process that loads the editor schema: allow for a slow machine.
vi.setConfig({ testTimeout: 120_000 });

let postgres: PostgresServer;
const temporary: string[] = [];
const stores: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  postgres = await PostgresServer.start();
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});
afterAll(async () => {
  await postgres?.dispose();
  await Promise.all(temporary.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

const importer = createContentImporter();
const exporter = createContentExporter();

interface SourceDocument {
  /** The snapshot's content; none for a document that so far exists only as log records. */
  markdown?: string;
  /** Paragraphs typed after the snapshot, each one log record. */
  typed?: string[];
}

/** A data directory written by the JSON store: snapshots with titles, and log records after them. */
async function dataDirWith(documents: Record<string, SourceDocument>): Promise<string> {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'tandem-migrate-')), 'data');
  temporary.push(join(dataDir, '..'));
  const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: (error) => expect.fail(error.message) });
  try {
    for (const [name, source] of Object.entries(documents)) {
      const doc = new Y.Doc();
      if (source.markdown !== undefined) {
        Y.applyUpdate(doc, importer.toUpdate({ format: 'markdown', value: source.markdown }));
        const title = documentTitle(doc);
        await store.writeSnapshot(name, Y.encodeStateAsUpdate(doc), title === null ? {} : { title });
      }
      for (const text of source.typed ?? []) await store.appendUpdates(name, [typeParagraph(doc, text)]);
      doc.destroy();
    }
  } finally {
    await store.close();
  }
  return dataDir;
}

/** Adds a paragraph at the end, as a TipTap editor would; returns the update. */
function typeParagraph(doc: Y.Doc, text: string): Uint8Array {
  const before = Y.encodeStateVector(doc);
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  doc.getXmlFragment(DOCUMENT_FRAGMENT).push([paragraph]);
  return Y.encodeStateAsUpdate(doc, before);
}

function docOf(stored: StoredDocument): Y.Doc {
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc;
}

function contentOf(stored: StoredDocument | null): JSONContent {
  expect(stored).not.toBeNull();
  const doc = docOf(stored!);
  try {
    return exporter.toJSON(doc);
  } finally {
    doc.destroy();
  }
}

/** Every document of a data directory as TipTap JSON, read with the JSON store. */
async function contentsIn(dataDir: string): Promise<Record<string, JSONContent>> {
  const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: (error) => expect.fail(error.message) });
  try {
    const contents: Record<string, JSONContent> = {};
    for (const { documentName } of await store.list()) contents[documentName] = contentOf(await store.load(documentName));
    return contents;
  } finally {
    await store.close();
  }
}

async function openTarget(url: string): Promise<PostgresDocumentStore> {
  const store = await PostgresDocumentStore.open({ url });
  stores.push(store);
  return store;
}

async function contentsInPostgres(store: PostgresDocumentStore): Promise<Record<string, JSONContent>> {
  const contents: Record<string, JSONContent> = {};
  for (const { documentName } of await store.list()) contents[documentName] = contentOf(await store.load(documentName));
  return contents;
}

const SOURCE: Record<string, SourceDocument> = {
  plan: { markdown: '# Quarterly plan\n\nShip the **editor**.\n', typed: ['typed after the snapshot', 'and once more'] },
  'Meeting-Notes': { markdown: '# Meeting notes\n\n- agenda\n- actions\n' },
  scratch: { typed: ['only in the log'] },
};

describe('tandem migrate', () => {
  it('copies every document with its content and title into PostgreSQL; a second run changes nothing', async () => {
    const dataDir = await dataDirWith(SOURCE);
    const url = await postgres.createDatabase();
    const first = await runTandem(['migrate', '--data-dir', dataDir, '--store', url]);
    expect(first, first.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^ok +Meeting-Notes \(\d+ bytes\)\nok +plan \(\d+ bytes\)\nok +scratch \(\d+ bytes\)\nmigrated 3 of 3 documents from .* to PostgreSQL at 127\.0\.0\.1:\d+\/tandem_\d+ in [\d.]+ s\n$/);

    const target = await openTarget(url);
    const expected = await contentsIn(dataDir);
    expect(await contentsInPostgres(target)).toEqual(expected);
    expect((await target.list()).map(({ documentName, title }) => ({ documentName, title }))).toEqual([
      { documentName: 'Meeting-Notes', title: 'Meeting notes' },
      { documentName: 'plan', title: 'Quarterly plan' },
      { documentName: 'scratch', title: undefined },
    ]);
    // One snapshot each, no log.
    for (const name of Object.keys(SOURCE)) expect((await target.load(name))?.updates).toEqual([]);

    const again = await runTandem(['migrate', '--data-dir', dataDir], { env: { STORE: url } });
    expect(again, again.stderr).toMatchObject({ code: 0 });
    expect(again.stdout).toMatch(/^ok +plan \(\d+ bytes, merged with the copy already in PostgreSQL\)$/m);
    expect(await contentsInPostgres(target)).toEqual(expected);
    // The data directory is left as it was.
    expect(await contentsIn(dataDir)).toEqual(expected);
  });

  it('merges into documents edited in PostgreSQL since, rather than overwriting them', async () => {
    const dataDir = await dataDirWith({ plan: SOURCE.plan! });
    const url = await postgres.createDatabase();
    expect((await runTandem(['migrate', '--data-dir', dataDir, '--store', url])).code).toBe(0);
    const target = await openTarget(url);
    // A server on PostgreSQL edits the document and compacts it under its lease.
    const doc = docOf((await target.load('plan'))!);
    await target.appendUpdates('plan', [typeParagraph(doc, 'edited on PostgreSQL')]);
    const token = (await target.leases.acquire('plan', 'server-1', 60_000))!;
    await target.writeSnapshot('plan', Y.encodeStateAsUpdate(doc), { fencingToken: token, title: 'Quarterly plan' });
    await target.appendUpdates('plan', [typeParagraph(doc, 'not compacted yet')]);
    const edited = contentOf(await target.load('plan'));

    const again = await runTandem(['migrate', '--data-dir', dataDir, '--store', url]);
    expect(again, again.stderr).toMatchObject({ code: 0 });
    const migrated = contentOf(await target.load('plan'));
    expect(migrated).toEqual(edited);
    expect(JSON.stringify(migrated)).toContain('edited on PostgreSQL');
    expect(JSON.stringify(migrated)).toContain('not compacted yet');
    expect(JSON.stringify(migrated).match(/typed after the snapshot/g)).toHaveLength(1);
  });

  it('reports a damaged document and exits with 1, and still copies the others', async () => {
    const dataDir = await dataDirWith(SOURCE);
    await writeFile(join(dataDir, 'documents', `${documentFileName('broken')}.json`), '{"format": "tandem.document/1", "state": ');
    const url = await postgres.createDatabase();
    const result = await runTandem(['migrate', '--data-dir', dataDir, '--store', url]);
    expect(result, result.stderr).toMatchObject({ code: 1 });
    expect(result.stdout).toMatch(/^damaged +broken: /m);
    expect(result.stdout).toMatch(/^migrated 3 of 4 documents from .*; 1 damaged, skipped$/m);
    const target = await openTarget(url);
    expect(Object.keys(await contentsInPostgres(target))).toEqual(['Meeting-Notes', 'plan', 'scratch']);
  });

  it('refuses while a server runs on the data directory, and copies nothing', async () => {
    const dataDir = await dataDirWith(SOURCE);
    const url = await postgres.createDatabase();
    const server = await TestServer.start({ dataDir });
    try {
      const refused = await runTandem(['migrate', '--data-dir', dataDir, '--store', url]);
      expect(refused).toMatchObject({ code: 1, stdout: '', stderr: expect.stringContaining(`a Tandem server is running on ${dataDir}; stop it, then migrate`) });
    } finally {
      await server.dispose();
    }
    const target = await openTarget(url);
    expect(await target.list()).toEqual([]);
    expect((await runTandem(['migrate', '--data-dir', dataDir, '--store', url])).code).toBe(0);
    expect(await target.list()).toHaveLength(3);
  });

  it('explains bad arguments with exit code 2, and never prints the password', async () => {
    const help = await runTandem(['migrate', '--help']);
    expect(help).toMatchObject({ code: 0, stderr: '', stdout: expect.stringMatching(/^Usage: tandem migrate --store postgres:\/\//) });
    const top = await runTandem(['--help']);
    expect(top.stdout).toMatch(/^ {2}migrate /m);

    const dataDir = await dataDirWith({ plan: SOURCE.plan! });
    const noStore = await runTandem(['migrate', '--data-dir', dataDir], { env: { STORE: undefined } });
    expect(noStore).toMatchObject({ code: 2, stderr: expect.stringContaining('--store postgres://') });
    const notPostgres = await runTandem(['migrate', '--data-dir', dataDir, '--store', 'mysql://root:s3cret@db/tandem']);
    expect(notPostgres).toMatchObject({ code: 2, stderr: expect.stringContaining('--store must be a postgres:// or postgresql:// URL') });
    expect(notPostgres.stderr).not.toContain('s3cret');
    expect((await runTandem(['migrate', 'extra', '--store', 'postgres://x/y'])).code).toBe(2);

    const unreachable = await runTandem(['migrate', '--data-dir', dataDir, '--store', `postgres://postgres:s3cret@127.0.0.1:${await closedPort()}/tandem`]);
    expect(unreachable).toMatchObject({ code: 1, stderr: expect.stringMatching(/^tandem migrate: PostgreSQL at 127\.0\.0\.1:\d+\/tandem is unavailable/) });
    expect(unreachable.stderr + unreachable.stdout).not.toContain('s3cret');

    const missing = await runTandem(['migrate', '--data-dir', join(dataDir, 'nowhere'), '--store', postgres.url]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no data directory at') });
  });
});
