import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DataDirectoryReader } from '../../storage/DataDirectoryReader.js';
import { JsonDocumentStore } from '../../storage/JsonDocumentStore.js';

const directories: string[] = [];
async function freshDir(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'tandem-reader-'));
  directories.push(directory);
  return directory;
}
function failOnCompromise(error: Error): void {
  throw error;
}
afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

function merged(files: { snapshot: { state: Uint8Array } | null; updates: Uint8Array[] }): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Y.mergeUpdates(files.snapshot ? [files.snapshot.state, ...files.updates] : files.updates));
  return doc;
}

describe('DataDirectoryReader', () => {
  it('lists and reads documents while the store holds the lock, without writing anything', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    doc.getText('t').insert(0, 'snap');
    await store.writeSnapshot('Notes', Y.encodeStateAsUpdate(doc), { title: 'Notes' });
    updates.length = 0;
    doc.getText('t').insert(4, 'shot');
    await store.appendUpdates('Notes', updates);
    await store.appendUpdates('log-only', [new Uint8Array([0, 0])]);
    const before = await readdir(join(dataDir, 'documents'));

    const reader = new DataDirectoryReader(dataDir);
    expect(await reader.listDocumentNames()).toEqual(['Notes', 'log-only']);
    const notes = await reader.read('Notes');
    expect(notes).toMatchObject({ documentName: 'Notes', snapshot: { title: 'Notes', coversLogSegment: 1 }, warnings: [] });
    expect(notes?.updates).toHaveLength(1);
    expect(merged(notes!).getText('t').toString()).toBe('snapshot');
    expect(await reader.read('log-only')).toMatchObject({ snapshot: null, updates: [new Uint8Array([0, 0])] });
    expect(await reader.read('absent')).toBeNull();
    expect(await readdir(join(dataDir, 'documents'))).toEqual(before);
    await store.close();
  });

  it('reports a torn log record and a corrupt snapshot', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    await store.appendUpdates('torn', [new Uint8Array([1, 2, 3])]);
    await store.writeSnapshot('broken', new Uint8Array([0, 0]));
    await store.close();
    const documents = join(dataDir, 'documents');
    const segment = (await readdir(documents)).find((name) => name.startsWith('torn.'))!;
    await appendFile(join(documents, segment), Buffer.from([9, 0, 0]));
    await writeFile(join(documents, 'broken.json'), '{"format": "tandem.document/1"');

    const reader = new DataDirectoryReader(dataDir);
    const torn = await reader.read('torn');
    expect(torn?.updates).toEqual([new Uint8Array([1, 2, 3])]);
    expect(torn?.warnings).toEqual([expect.stringMatching(/skipped 3 bytes of a torn or damaged record/)]);
    await expect(reader.read('broken')).rejects.toMatchObject({ name: 'StorageError', code: 'corrupt' });
  });

  it('says clearly when the directory is not a data directory', async () => {
    await expect(new DataDirectoryReader(join(await freshDir(), 'nothing')).listDocumentNames()).rejects.toThrow(/is not a Tandem data directory/);
  });

  // The reason the reader exists: a read racing appends and compactions still holds every update
  // that was durable before it began, and never a state with a hole in it.
  it('reads a consistent document while the store appends and compacts it', async () => {
    const dataDir = await freshDir();
    const store = await JsonDocumentStore.open({ dataDir, onLockCompromised: failOnCompromise });
    const writer = new Y.Doc();
    const text = writer.getText('t');
    let durableLines = 0;
    let stop = false;
    const writing = (async () => {
      for (let line = 1; !stop; line++) {
        const updates: Uint8Array[] = [];
        const collect = (update: Uint8Array) => updates.push(update);
        writer.on('update', collect);
        text.insert(text.length, `${line}\n`);
        writer.off('update', collect);
        await store.appendUpdates('doc', updates);
        durableLines = line;
        // Compact often, as a server with a tiny snapshot threshold would.
        if (line % 3 === 0) await store.writeSnapshot('doc', Y.encodeStateAsUpdate(writer));
      }
    })();
    const reader = new DataDirectoryReader(dataDir);
    let compactionsSeen = 0;
    for (let read = 0; read < 150; read++) {
      const linesBefore = durableLines;
      const files = await reader.read('doc');
      if (linesBefore === 0 && files === null) continue;
      const doc = merged(files!);
      expect(doc.store.pendingStructs).toBeNull();
      const lines = doc.getText('t').toString().split('\n').slice(0, -1);
      expect(lines.length).toBeGreaterThanOrEqual(linesBefore);
      expect(lines).toEqual(Array.from({ length: lines.length }, (_, index) => String(index + 1)));
      if ((files!.snapshot?.coversLogSegment ?? 0) > 1) compactionsSeen++;
      doc.destroy();
    }
    stop = true;
    await writing;
    await store.close();
    expect(compactionsSeen).toBeGreaterThan(0);
  });
});
