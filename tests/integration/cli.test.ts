import { spawn } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { verifyAccessToken } from '../../server/access/accessToken.js';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';
import { createDocumentOnServer, listDocumentNames } from '../support/documentApi.js';
import { runTandem } from '../support/runTandem.js';
import { REPO_ROOT, TestServer } from '../support/TestServer.js';
import { YjsClient } from '../support/YjsClient.js';

// Each command is a fresh Node process that loads the editor schema: allow for a slow machine.
vi.setConfig({ testTimeout: 120_000 });

const temporary: string[] = [];
async function freshDir(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'tandem-cli-'));
  temporary.push(directory);
  return directory;
}
afterAll(async () => {
  await Promise.all(temporary.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

/** A data directory holding the given Markdown documents, written by the CLI itself. */
async function dataDirWith(documents: Record<string, string>): Promise<string> {
  const root = await freshDir();
  const dataDir = join(root, 'data');
  for (const [name, markdown] of Object.entries(documents)) {
    const file = join(root, `${name}.md`);
    await writeFile(file, markdown);
    const result = await runTandem(['import', file, '--document', name, '--data-dir', dataDir]);
    expect(result, result.stderr).toMatchObject({ code: 0 });
  }
  return dataDir;
}

/** Adds a paragraph to the editor's fragment, as a TipTap editor would. */
function typeParagraph(client: YjsClient, text: string): void {
  const paragraph = new Y.XmlElement('paragraph');
  paragraph.insert(0, [new Y.XmlText(text)]);
  client.doc.getXmlFragment('default').push([paragraph]);
}

describe('tandem --help', () => {
  // Each case is its own process, so they run side by side.
  it('lists the commands, and every command explains itself with exit code 0', async () => {
    const commands = ['token', 'export', 'import', 'backup', 'restore', 'check', 'migrate'];
    const [top, serve, ...helps] = await Promise.all([runTandem(['--help']), runTandem(['serve', '--help']), ...commands.map((command) => runTandem([command, '--help']))]);
    expect(top.code).toBe(0);
    for (const command of ['serve', ...commands]) expect(top.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    commands.forEach((command, index) => {
      const help = helps[index]!;
      expect(help, command).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(new RegExp(`^Usage: tandem ${command}`));
    });
    expect(serve.code).toBe(0);
    expect(serve.stdout).toMatch(/^Usage: tandem serve[\s\S]*--config PATH\s+TANDEM_CONFIG[\s\S]*--data-dir PATH\s+DATA_DIR/);
  });

  it('refuses unknown commands and bad arguments with exit code 2 and the usage', async () => {
    const cases: [string[], RegExp][] = [
      [['frobnicate'], /unknown command "frobnicate"[\s\S]*Commands:/],
      [['export'], /missing the document NAME[\s\S]*Usage: tandem export/],
      [['export', 'a', 'b'], /unexpected argument: b/],
      [['export', 'notes', '--format', 'pdf'], /--format "pdf": expected one of json, html, markdown, text, yjs/],
      [['export', 'bad name!'], /NAME "bad name!"/],
      [['import', 'x.md'], /--document NAME/],
      [['import', 'x.pdf', '--document', 'x'], /cannot tell the format of x\.pdf/],
      [['backup'], /missing the backup directory DEST/],
      [['restore', '--bogus', 'x'], /Unknown option '--bogus'/],
      [['check', 'extra'], /unexpected argument: extra/],
    ];
    const results = await Promise.all(cases.map(([argv]) => runTandem(argv)));
    cases.forEach(([argv, stderr], index) => expect(results[index], argv.join(' ')).toMatchObject({ code: 2, stderr: expect.stringMatching(stderr) }));
  });
});

describe('export, check and import against a running server', () => {
  let server: TestServer;
  let client: YjsClient | null = null;
  beforeAll(async () => {
    server = await TestServer.start();
    await createDocumentOnServer(server, 'notes', '# Notes\n\n- [ ] agenda\n');
  });
  afterEach(() => {
    client?.destroy();
    client = null;
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('exports what the server has saved, in every format, without its lock', async () => {
    client = new YjsClient(server.wsUrl, 'notes', { wantsSavedState: true });
    await client.synced();
    typeParagraph(client, 'typed live');
    await client.saved();

    const markdown = await runTandem(['export', 'notes', '--data-dir', server.dataDir]);
    expect(markdown).toMatchObject({ code: 0, stdout: '# Notes\n\n- [ ] agenda\n\ntyped live\n' });
    const out = await freshDir();
    const html = await runTandem(['export', 'notes', '--data-dir', server.dataDir, '--output', join(out, 'notes.html')]);
    expect(html).toMatchObject({ code: 0, stderr: expect.stringMatching(/exported "notes" as html to .*notes\.html/) });
    expect(await readFile(join(out, 'notes.html'), 'utf8')).toMatch(/^<h1>Notes<\/h1>.*<p>typed live<\/p>$/);
    const json = await runTandem(['export', 'notes', '--data-dir', server.dataDir, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'doc', content: [{ type: 'heading' }, { type: 'taskList' }, { type: 'paragraph' }] });
    expect((await runTandem(['export', 'notes', '--data-dir', server.dataDir, '--format', 'text'])).stdout).toMatch(/^Notes\n\nagenda\n\ntyped live\n$/);

    // The Yjs state loses nothing: imported elsewhere, it is the same document.
    const yjs = await runTandem(['export', 'notes', '--data-dir', server.dataDir, '--format', 'yjs']);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, yjs.stdoutBytes);
    expect(copy.getXmlFragment('default').length).toBe(3);
    await writeFile(join(out, 'notes.yjs'), yjs.stdoutBytes);
    const elsewhere = join(out, 'elsewhere');
    expect(await runTandem(['import', join(out, 'notes.yjs'), '--document', 'copy', '--data-dir', elsewhere])).toMatchObject({ code: 0 });
    expect((await runTandem(['export', 'copy', '--data-dir', elsewhere])).stdout).toBe(markdown.stdout);

    expect(await runTandem(['export', 'absent', '--data-dir', server.dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no document "absent"/) });
    expect(await runTandem(['export', 'notes', '--data-dir', join(out, 'nowhere')])).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not a Tandem data directory/) });
  });

  it('checks the data directory while the server writes to it', async () => {
    const text = await runTandem(['check', '--data-dir', server.dataDir]);
    expect(text).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok +notes\n.*1 ok, 0 repaired on load, 0 damaged/m) });
    const json = await runTandem(['check', '--data-dir', server.dataDir, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ dataDir: server.dataDir, damaged: 0, documents: [{ name: 'notes', status: 'ok', warnings: [] }] });
  });

  it('refuses to import into a data directory a server holds, and imports through the server instead', async () => {
    const root = await freshDir();
    await writeFile(join(root, 'plan.md'), '# Plan\n\nShip it.\n');
    await writeFile(join(root, 'plan.html'), '<h2>Plan B</h2><script>alert(1)</script><p>Safer.</p>');
    await writeFile(join(root, 'plan.yjs'), Y.encodeStateAsUpdate(new Y.Doc()));

    const refused = await runTandem(['import', join(root, 'plan.md'), '--document', 'plan', '--data-dir', server.dataDir]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/a Tandem server is running on [\s\S]*--server http:\/\/HOST:PORT/) });

    const viaServer = await runTandem(['import', join(root, 'plan.md'), '--document', 'plan', '--server', server.httpUrl]);
    expect(viaServer).toMatchObject({ code: 0, stderr: expect.stringMatching(/created "plan" on http/) });
    expect(await listDocumentNames(server)).toContain('plan');
    expect((await runTandem(['export', 'plan', '--data-dir', server.dataDir])).stdout).toBe('# Plan\n\nShip it.\n');

    const exists = await runTandem(['import', join(root, 'plan.html'), '--document', 'plan', '--server', server.httpUrl]);
    expect(exists).toMatchObject({ code: 1, stderr: expect.stringMatching(/HTTP 409: a document named "plan" already exists.*--replace/) });
    const html = await runTandem(['import', join(root, 'plan.html'), '--document', 'plan-b', '--server', `${server.httpUrl}/`]);
    expect(html.code).toBe(0);
    expect((await runTandem(['export', 'plan-b', '--data-dir', server.dataDir])).stdout).toBe('## Plan B\n\nSafer.\n');
    // --replace goes through PUT …/content: the running server changes the document live, and it is on disk at once.
    const replaced = await runTandem(['import', join(root, 'plan.html'), '--document', 'plan', '--replace', '--server', server.httpUrl]);
    expect(replaced.code).toBe(0);
    expect((await runTandem(['export', 'plan', '--data-dir', server.dataDir])).stdout).toBe('## Plan B\n\nSafer.\n');

    expect(await runTandem(['import', join(root, 'plan.yjs'), '--document', 'y', '--server', server.httpUrl])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/a yjs file cannot be imported over HTTP/),
    });
    expect(await runTandem(['import', join(root, 'plan.md'), '--document', 'z', '--server', 'http://127.0.0.1:1'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot reach http:\/\/127\.0\.0\.1:1/) });
  });

  it('refuses to restore into a data directory a server holds', async () => {
    const backup = join(await freshDir(), 'backup');
    expect((await runTandem(['backup', backup, '--data-dir', server.dataDir])).code).toBe(0);
    expect(await runTandem(['restore', backup, '--data-dir', server.dataDir, '--force'])).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/a Tandem server is running on .*: stop it before restoring/),
    });
  });
});

describe('import, backup, restore and check on a stopped data directory', () => {
  it('imports Markdown, HTML and JSON; refuses an existing document unless --replace; reports bad files', async () => {
    const root = await freshDir();
    const dataDir = join(root, 'data');
    await writeFile(join(root, 'a.md'), '# A\n');
    await writeFile(join(root, 'b.htm'), '<p>B</p>');
    await writeFile(join(root, 'c.json'), JSON.stringify({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'C' }] }] }));
    await writeFile(join(root, 'bad.json'), '{"type": "doc", "content": [{"type": "heading", "attrs": {"level": 1}, "content": [{"type": "paragraph"}]}]}');
    await writeFile(join(root, 'broken.json'), '{not json');
    await writeFile(join(root, 'garbage.yjs'), Buffer.from([255, 255, 255, 1]));

    for (const [file, name] of [['a.md', 'a'], ['b.htm', 'b'], ['c.json', 'c']] as const) {
      expect(await runTandem(['import', join(root, file), '--document', name, '--data-dir', dataDir])).toMatchObject({ code: 0 });
    }
    expect((await runTandem(['export', 'b', '--data-dir', dataDir])).stdout).toBe('B\n');
    expect(await runTandem(['import', join(root, 'b.htm'), '--document', 'a', '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/"a" already exists.*--replace/) });
    expect(await runTandem(['import', join(root, 'b.htm'), '--document', 'a', '--data-dir', dataDir, '--replace'])).toMatchObject({ code: 0, stderr: expect.stringMatching(/^replaced "a"/) });
    expect((await runTandem(['export', 'a', '--data-dir', dataDir])).stdout).toBe('B\n');
    expect(await runTandem(['import', join(root, 'bad.json'), '--document', 'x', '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot be imported as json: .*schema/) });
    expect(await runTandem(['import', join(root, 'broken.json'), '--document', 'x', '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/not valid JSON/) });
    expect(await runTandem(['import', join(root, 'garbage.yjs'), '--document', 'x', '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot be imported as yjs/) });
    expect(await runTandem(['import', join(root, 'missing.md'), '--document', 'x', '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot read .*missing\.md/) });
    expect((await runTandem(['check', '--data-dir', dataDir])).stdout).toMatch(/3 documents in .*: 3 ok/);
  });

  it('replaces (import --replace, restore --force) as an edit on the document: an editor\'s offline copy of the old one merges in without bringing old text back', async () => {
    const dataDir = await dataDirWith({ notes: '# Old notes\n\nold text\n' });
    const root = await freshDir();
    const stateOf = async (directory: string, name: string) => {
      const store = await JsonDocumentStore.open({ dataDir: directory, onLockCompromised: (error) => { throw error; } });
      try {
        const stored = (await store.load(name))!;
        return Y.mergeUpdates(stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates);
      } finally {
        await store.close();
      }
    };
    /** The stored document's text once a browser that kept `offline` (an older copy) has synced with it. */
    const textAfterMerging = async (directory: string, name: string, offline: Uint8Array) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, await stateOf(directory, name));
      Y.applyUpdate(doc, offline);
      return doc.getXmlFragment('default').toJSON();
    };

    const before = await stateOf(dataDir, 'notes');
    await writeFile(join(root, 'new.md'), '# New notes\n\nnew text\n');
    expect(await runTandem(['import', join(root, 'new.md'), '--document', 'notes', '--data-dir', dataDir, '--replace'])).toMatchObject({ code: 0 });
    expect((await runTandem(['export', 'notes', '--data-dir', dataDir])).stdout).toBe('# New notes\n\nnew text\n');
    const merged = await textAfterMerging(dataDir, 'notes', before);
    expect(merged).toContain('new text');
    expect(merged).not.toContain('old text');

    // A backup of the new content, then more edits; restoring the backup over them.
    await mkdir(join(root, 'backup'));
    expect(await runTandem(['backup', join(root, 'backup'), '--data-dir', dataDir])).toMatchObject({ code: 0 });
    await writeFile(join(root, 'later.md'), '# Later notes\n\nlater text\n');
    expect(await runTandem(['import', join(root, 'later.md'), '--document', 'notes', '--data-dir', dataDir, '--replace'])).toMatchObject({ code: 0 });
    const later = await stateOf(dataDir, 'notes');
    expect(await runTandem(['restore', join(root, 'backup'), '--data-dir', dataDir, '--force'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^replaced +notes /) });
    expect((await runTandem(['export', 'notes', '--data-dir', dataDir])).stdout).toBe('# New notes\n\nnew text\n');
    const restored = await textAfterMerging(dataDir, 'notes', later);
    expect(restored).toContain('new text');
    expect(restored).not.toContain('later text');
  });

  it('replaces a document stored only as log records, one with a bad log record, and a damaged one; from a .yjs file too', async () => {
    const dataDir = await dataDirWith({ source: '# From yjs\n\nlossless\n', flawed: '# Flawed\n' });
    const root = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: (error) => { throw error; } });
    try {
      const paragraph = new Y.Doc();
      const block = new Y.XmlElement('paragraph');
      block.insert(0, [new Y.XmlText('only in the log')]);
      paragraph.getXmlFragment('default').push([block]);
      await store.appendUpdates('log-only', [Y.encodeStateAsUpdate(paragraph)]);
      await store.appendUpdates('flawed', [new Uint8Array([255, 255, 255, 1])]);
    } finally {
      await store.close();
    }
    await writeFile(join(dataDir, 'documents', 'broken.json'), '{"state": 12');
    await writeFile(join(root, 'new.md'), '# New\n');

    for (const name of ['log-only', 'flawed', 'broken']) {
      expect(await runTandem(['import', join(root, 'new.md'), '--document', name, '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists.*--replace/) });
      const replaced = await runTandem(['import', join(root, 'new.md'), '--document', name, '--data-dir', dataDir, '--replace']);
      expect(replaced, name).toMatchObject({ code: 0, stderr: expect.stringMatching(new RegExp(`^(tandem import: replacing damaged document "broken" .*\\n)?replaced "${name}"`)) });
      expect((await runTandem(['export', name, '--data-dir', dataDir])).stdout, name).toBe('# New\n');
    }
    const yjs = await runTandem(['export', 'source', '--data-dir', dataDir, '--format', 'yjs']);
    await writeFile(join(root, 'source.yjs'), yjs.stdoutBytes);
    expect(await runTandem(['import', join(root, 'source.yjs'), '--document', 'flawed', '--data-dir', dataDir, '--replace'])).toMatchObject({ code: 0 });
    expect((await runTandem(['export', 'flawed', '--data-dir', dataDir])).stdout).toBe('# From yjs\n\nlossless\n');

    // restore --force over a damaged document and one with a bad log record: every document is restored.
    const backup = join(root, 'backup');
    await mkdir(backup);
    expect(await runTandem(['backup', backup, '--data-dir', dataDir])).toMatchObject({ code: 0 });
    await writeFile(join(dataDir, 'documents', 'broken.json'), 'garbage');
    await appendFile(join(dataDir, 'documents', (await readdir(join(dataDir, 'documents'))).find((file) => file.startsWith('source.') && file.endsWith('.log')) ?? 'source.000001.log'), 'torn');
    const restored = await runTandem(['restore', backup, '--data-dir', dataDir, '--force']);
    expect(restored, restored.stderr).toMatchObject({ code: 0, stdout: expect.stringMatching(/restored 4 documents/) });
    expect((await runTandem(['export', 'broken', '--data-dir', dataDir])).stdout).toBe('# New\n');
    expect((await runTandem(['check', '--data-dir', dataDir])).stdout).toMatch(/4 documents in .*: 4 ok/);
  });

  it('reports damaged documents in check and backup, skips them, and still copies the others', async () => {
    const dataDir = await dataDirWith({ good: '# Good\n\nKeep me.\n', torn: 'Torn tail\n', broken: 'x\n', foreign: 'y\n' });
    const documents = join(dataDir, 'documents');
    // A snapshot that is not JSON, one whose Yjs content breaks the schema, and a log with a torn tail.
    await writeFile(join(documents, 'broken.json'), '{"format": "tandem.document/1", "documentName": "br');
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: (error) => { throw error; } });
    const alien = new Y.Doc();
    // A heading holding a paragraph: no editor writes that, and the schema forbids it.
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', '1');
    heading.insert(0, [new Y.XmlElement('paragraph')]);
    alien.getXmlFragment('default').push([heading]);
    await store.delete('foreign');
    await store.writeSnapshot('foreign', Y.encodeStateAsUpdate(alien));
    const tornDoc = new Y.Doc();
    tornDoc.getText('t').insert(0, 'x');
    await store.appendUpdates('torn', [Y.encodeStateAsUpdate(tornDoc)]);
    await store.close();
    const segment = (await readdir(documents)).find((name) => name.startsWith('torn.') && name.endsWith('.log'))!;
    await appendFile(join(documents, segment), Buffer.from([40, 0, 0, 0, 1]));

    const check = await runTandem(['check', '--data-dir', dataDir]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/^damaged +broken: document file .*broken\.json is not valid JSON$/m);
    expect(check.stdout).toMatch(/^damaged +foreign: its content does not fit the document schema/m);
    expect(check.stdout).toMatch(/^ok +good$/m);
    expect(check.stdout).toMatch(/^warning +torn\n +torn: .*skipped 5 bytes of a torn or damaged record/m);
    expect(check.stdout).toMatch(/4 documents in .*: 1 ok, 1 repaired on load, 2 damaged/);
    const json = JSON.parse((await runTandem(['check', '--data-dir', dataDir, '--json'])).stdout) as { damaged: number; documents: { name: string; status: string }[] };
    expect(json.damaged).toBe(2);
    expect(json.documents.map((document) => `${document.name}:${document.status}`)).toEqual(['broken:damaged', 'foreign:damaged', 'good:ok', 'torn:warnings']);

    const backup = join(await freshDir(), 'backup');
    const result = await runTandem(['backup', backup, '--data-dir', dataDir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^damaged +broken: /m);
    expect(result.stdout).toMatch(/backed up 2 of 4 documents .* in [\d.]+ s; 2 damaged, skipped/);
    const restored = join(await freshDir(), 'restored');
    expect(await runTandem(['restore', backup, '--data-dir', restored])).toMatchObject({ code: 0, stdout: expect.stringMatching(/restored 2 documents/) });
    expect((await runTandem(['export', 'good', '--data-dir', restored])).stdout).toBe('# Good\n\nKeep me.\n');
    expect(await runTandem(['check', '--data-dir', restored])).toMatchObject({ code: 0, stdout: expect.stringMatching(/2 ok, 0 repaired on load, 0 damaged/) });

    // A damaged backup restores nothing.
    const target = join(await freshDir(), 'target');
    expect(await runTandem(['restore', dataDir, '--data-dir', target])).toMatchObject({ code: 1, stderr: expect.stringMatching(/2 documents are damaged in .*; nothing was restored/) });
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);
  });

  it('backs up into a new or empty directory only, and restores with --force replacing same-named documents only', async () => {
    const dataDir = await dataDirWith({ one: '# One\n', two: '# Two\n' });
    const root = await freshDir();
    await mkdir(join(root, 'full'));
    await writeFile(join(root, 'full', 'something'), 'x');
    expect(await runTandem(['backup', join(root, 'full'), '--data-dir', dataDir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not empty/) });
    expect(await runTandem(['backup', join(dataDir, 'inside'), '--data-dir', dataDir])).toMatchObject({ code: 2, stderr: expect.stringMatching(/inside the data directory/) });
    await mkdir(join(root, 'empty'));
    const backup = await runTandem(['backup', join(root, 'empty'), '--data-dir', dataDir]);
    expect(backup).toMatchObject({ code: 0, stdout: expect.stringMatching(/^ok +one \(\d+ bytes\)\nok +two \(\d+ bytes\)\nbacked up 2 of 2 documents/) });
    expect(await readdir(join(root, 'empty'))).toEqual(['documents']);
    expect(JSON.parse(await readFile(join(root, 'empty', 'documents', 'one.json'), 'utf8'))).toMatchObject({ title: 'One' });

    const target = await dataDirWith({ two: '# Old two\n', three: '# Three\n' });
    const refused = await runTandem(['restore', join(root, 'empty'), '--data-dir', target]);
    expect(refused).toMatchObject({ code: 1, stderr: expect.stringMatching(/already has 2 documents; nothing was restored[\s\S]*--force/) });
    const forced = await runTandem(['restore', join(root, 'empty'), '--data-dir', target, '--force']);
    expect(forced).toMatchObject({ code: 0, stdout: expect.stringMatching(/^restored +one .*\nreplaced +two /) });
    expect((await runTandem(['export', 'two', '--data-dir', target])).stdout).toBe('# Two\n');
    expect((await runTandem(['export', 'three', '--data-dir', target])).stdout).toBe('# Three\n');
    expect(await runTandem(['restore', join(root, 'nothing'), '--data-dir', target])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot read the backup: .*not a Tandem data directory/) });
  });
});

describe('the config file', () => {
  it('sets the server options below the environment and flags: serve --config on port 0', async () => {
    const root = await freshDir();
    const dataDir = join(root, 'from-file');
    await writeFile(join(root, 'tandem.json'), JSON.stringify({ port: 0, dataDir, logLevel: 'info', allowedOrigins: ['https://a.example'], host: '127.0.0.1' }));
    const child = spawn(process.execPath, ['dist/server/main.js', 'serve', '--config', join(root, 'tandem.json')], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATA_DIR: undefined, PORT: undefined, LOG_LEVEL: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const listening = await new Promise<{ port: number; dataDir: string }>((resolve, reject) => {
        let buffered = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          buffered += chunk;
          for (const text of buffered.split('\n')) {
            if (text.includes('Tandem is listening')) resolve(JSON.parse(text) as { port: number; dataDir: string });
          }
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
      });
      expect(listening.dataDir).toBe(dataDir);
      expect(listening.port).toBeGreaterThan(0);
      expect(await (await fetch(`http://127.0.0.1:${listening.port}/healthz`)).json()).toMatchObject({ status: 'ok' });
      // The file's allowed origin is in force: a page there may create documents, others may not.
      const create = (origin: string, name: string) =>
        fetch(`http://127.0.0.1:${listening.port}/api/documents`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ name }) });
      expect((await create('https://a.example', 'from-a')).status).toBe(201);
      expect((await create('https://b.example', 'from-b')).status).toBe(403);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    // Other commands find the data directory in the same file (TANDEM_CONFIG here); a flag still wins.
    expect((await runTandem(['check'], { env: { TANDEM_CONFIG: join(root, 'tandem.json') } })).stdout).toMatch(/^ok +from-a$/m);
    expect(await runTandem(['check', '--config', join(root, 'tandem.json'), '--data-dir', join(root, 'nowhere')])).toMatchObject({ code: 1 });

    // `token` signs with the file's secret and links to the file's public URL.
    const secret = 'config-file-secret-0123456789abcdefghij';
    await writeFile(join(root, 'auth.json'), JSON.stringify({ authSecret: secret, publicUrl: 'https://docs.example.com' }));
    const minted = await runTandem(['token', '--document', 'from-a', '--json', '--config', join(root, 'auth.json')], { env: { AUTH_SECRET: undefined, PUBLIC_URL: undefined } });
    expect(minted.code).toBe(0);
    const { token, link } = JSON.parse(minted.stdout) as { token: string; link: string };
    expect(link).toBe(`https://docs.example.com/d/from-a?token=${token}`);
    expect(await verifyAccessToken(secret, token)).toMatchObject({ documents: ['from-a'], access: 'write' });
  });

  it('refuses a bad config file with exit code 2, naming the file and every bad key', async () => {
    const root = await freshDir();
    await writeFile(join(root, 'bad.json'), JSON.stringify({ port: 'eighty', dataDirectory: '/x' }));
    await writeFile(join(root, 'broken.json'), '{"port": 1,');
    const bad = await runTandem(['serve', '--config', join(root, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/config file .*bad\.json: "port": expected a number, got a string/);
    expect(bad.stderr).toMatch(/config file .*bad\.json: unknown key "dataDirectory"/);
    expect(await runTandem(['--config', join(root, 'broken.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/config file .*broken\.json is not valid JSON/) });
    expect(await runTandem([], { env: { TANDEM_CONFIG: join(root, 'absent.json') } })).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read config file .*absent\.json: ENOENT/) });
    expect(await runTandem(['export', 'x', '--config', join(root, 'bad.json')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/"port": expected a number/) });
  });
});
