import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../server/protocol/encodeMessage.js';
import { Peer } from '../../server/rooms/Peer.js';
import { DocumentTooLargeError } from '../../server/rooms/Room.js';
import { RoomRegistry, ShuttingDownError } from '../../server/rooms/RoomRegistry.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { RecordingSocket } from '../support/RecordingSocket.js';
import { waitFor } from '../support/waitFor.js';

/** Server-side reads and changes of a document (`RoomRegistry.read` / `change`, `Room.change`), as the HTTP API makes them. */

const registries: RoomRegistry[] = [];
afterEach(async () => {
  await Promise.all(registries.splice(0).map((registry) => registry.close().catch(() => undefined)));
});

const QUICK_SNAPSHOTS = { idleMs: 5, maxWaitMs: 20, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 10, retryMaxMs: 40 };

function setUp(maxDocumentBytes = 32 << 20, snapshotPolicy = QUICK_SNAPSHOTS) {
  const store = new MemoryDocumentStore();
  const registry = new RoomRegistry({
    store,
    logger: pino({ level: 'silent' }),
    snapshotPolicy,
    maxDocumentBytes,
  });
  registries.push(registry);
  return { store, registry };
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

async function storedText(store: MemoryDocumentStore, documentName: string): Promise<string | null> {
  const stored = await store.load(documentName);
  if (!stored) return null;
  const doc = new Y.Doc();
  if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  return doc.getText('t').toString();
}

const append = (text: string) => (doc: Y.Doc) => doc.getText('t').insert(doc.getText('t').length, text);

describe('RoomRegistry.change', () => {
  it('applies the change in the live room, sends it to every peer and has it in the log when it resolves', async () => {
    const { store, registry } = setUp();
    const seed = textUpdate('hello');
    await registry.create('notes', seed);
    const socket = new RecordingSocket();
    await registry.join('notes', new Peer('p1', socket));
    const changed = await registry.change('notes', append(' world'));
    expect(changed?.bytes).toBeGreaterThan(0);
    const peerCopy = socket.replay();
    Y.applyUpdate(peerCopy, seed);
    expect(peerCopy.getText('t').toString()).toBe('hello world');
    // The store's own view, without the room: the change is durable.
    expect(await storedText(store, 'notes')).toBe('hello world');
  });

  it('loads a stored document for the change and unloads it again', async () => {
    const { store, registry } = setUp();
    await registry.create('idle', textUpdate('a'));
    await waitFor(() => registry.size === 0, { description: 'idle document unloaded' });
    await registry.change('idle', append('b'));
    expect(await storedText(store, 'idle')).toBe('ab');
    await waitFor(() => registry.size === 0, { description: 'unloaded after the change' });
  });

  it('resolves null and creates nothing for a document that does not exist', async () => {
    const { store, registry } = setUp();
    expect(await registry.change('missing', append('x'))).toBeNull();
    expect(await registry.read('missing', () => 'read')).toBeNull();
    expect(await store.list()).toEqual([]);
    await waitFor(() => registry.size === 0, { description: 'empty room unloaded' });
  });

  it('refuses a change past the size limit, leaving the document and its peers untouched', async () => {
    const { store, registry } = setUp(2048);
    await registry.create('small', textUpdate('short'));
    const socket = new RecordingSocket();
    await registry.join('small', new Peer('p1', socket));
    const framesBefore = socket.frames.length;
    await expect(registry.change('small', append('x'.repeat(4096)))).rejects.toBeInstanceOf(DocumentTooLargeError);
    expect(socket.frames.length).toBe(framesBefore);
    expect(registry.get('small')?.doc.getText('t').toString()).toBe('short');
    // Deleting is always allowed, even past the limit.
    expect(await registry.change('small', (doc) => doc.getText('t').delete(0, 2))).not.toBeNull();
    expect(await storedText(store, 'small')).toBe('ort');
  });

  it('leaves the document untouched when the edit throws', async () => {
    const { registry } = setUp();
    await registry.create('half', textUpdate('whole'));
    const failing = (doc: Y.Doc) => {
      doc.getText('t').insert(0, 'half-');
      throw new Error('edit failed midway');
    };
    await expect(registry.change('half', failing)).rejects.toThrow('edit failed midway');
    expect(await registry.read('half', (room) => room.doc.getText('t').toString())).toBe('whole');
  });

  it('never brings back a document deleted at the same moment', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const { store, registry } = setUp();
      await registry.create('racing', textUpdate('v1'));
      const socket = new RecordingSocket();
      if (attempt % 2 === 0) await registry.join('racing', new Peer('p1', socket));
      const [changed, deleted] = await Promise.all([registry.change('racing', append('+')), registry.delete('racing')]);
      expect(deleted).toBe(true);
      expect(changed === null || changed.bytes > 0).toBe(true);
      await waitFor(() => registry.size === 0, { description: 'nothing loaded' });
      expect(await store.load('racing')).toBeNull();
    }
  });

  it('never builds a room from a read that overlapped a deletion (the read is repeated after it)', async () => {
    const { store, registry } = setUp();
    await registry.create('overlap', textUpdate('old'));
    await waitFor(() => registry.size === 0, { description: 'document unloaded' });
    // The change's load reads the files; the deletion removes them before the read resolves.
    let releaseLoad: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (releaseLoad = resolve));
    let loadStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (loadStarted = resolve));
    const load = store.load.bind(store);
    store.load = async (name) => {
      const stored = await load(name);
      loadStarted();
      await held;
      return stored;
    };
    const changing = registry.change('overlap', append('!'));
    await started;
    expect(await registry.delete('overlap')).toBe(true);
    releaseLoad();
    expect(await changing).toBeNull();
    await waitFor(() => registry.size === 0, { description: 'nothing loaded' });
    expect(await store.load('overlap')).toBeNull();
  });

  it('does not read files a deletion in flight is about to remove', async () => {
    const { store, registry } = setUp();
    await registry.create('going', textUpdate('old'));
    await waitFor(() => registry.size === 0, { description: 'document unloaded' });
    const deleting = registry.delete('going');
    const changed = await registry.change('going', append('!'));
    expect(await deleting).toBe(true);
    expect(changed).toBeNull();
    expect(await store.load('going')).toBeNull();
  });

  it('never hands a change or a join a room that its unloading frees in the same moment', async () => {
    // The last peer leaves with an edit not yet written, so the room unloads once the write lands. A
    // call that arrives while that write completes must get a live room: try every gap up to some ticks.
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const ticks = attempt % 30;
      // No snapshot falls due meanwhile: the unloading waits for the log write alone.
      const { store, registry } = setUp(32 << 20, { ...QUICK_SNAPSHOTS, idleMs: 60_000, maxWaitMs: 60_000 });
      await registry.create('busy', textUpdate('x'));
      const writer = new Peer('writer', new RecordingSocket());
      const room = await registry.join('busy', writer);
      let releaseWrite: () => void = () => undefined;
      const writeHeld = new Promise<void>((resolve) => (releaseWrite = resolve));
      const appendUpdates = store.appendUpdates.bind(store);
      store.appendUpdates = async (name, updates) => {
        await writeHeld;
        return appendUpdates(name, updates);
      };
      const edit = new Y.Doc();
      Y.applyUpdate(edit, Y.encodeStateAsUpdate(room.doc));
      edit.getText('t').insert(1, 'y');
      room.receive(writer, encodeSyncUpdate(Y.encodeStateAsUpdate(edit)));
      room.removePeer(writer);
      await waitFor(() => room.hasUnsavedChanges, { description: 'the edit waiting for its write' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      releaseWrite();
      for (let tick = 0; tick < ticks; tick += 1) await Promise.resolve();
      if (attempt < 30) {
        expect(await registry.change('busy', append('!'))).not.toBeNull();
        expect(await storedText(store, 'busy')).toBe('xy!');
      } else {
        const reader = new Peer('reader', new RecordingSocket());
        const joined = await registry.join('busy', reader);
        expect(joined.destroyed).toBe(false);
        expect(joined.peers.has(reader)).toBe(true);
      }
    }
  });

  it('refuses changes and reads while shutting down', async () => {
    const { registry } = setUp();
    await registry.create('late', textUpdate('x'));
    await registry.close();
    await expect(registry.change('late', append('y'))).rejects.toBeInstanceOf(ShuttingDownError);
    await expect(registry.read('late', () => 1)).rejects.toBeInstanceOf(ShuttingDownError);
  });
});
