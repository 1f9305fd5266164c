import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwareness, encodeSyncStep1, encodeSyncUpdate } from '../../server/protocol/encodeMessage.js';
import { decodeMessage } from '../../server/protocol/decodeMessage.js';
import { Peer } from '../../server/rooms/Peer.js';
import { RecordingSocket } from '../support/RecordingSocket.js';
import { RoomRegistry, ShuttingDownError } from '../../server/rooms/RoomRegistry.js';
import type { SnapshotMetadata } from '../../storage/DocumentStore.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { CloseCode } from '../../common/closeCodes.js';
import { waitFor } from '../support/waitFor.js';

/** The real memory store, with hooks to hold or fail loads and saves. */
class ControlledStore extends MemoryDocumentStore {
  loads = 0;
  saves = 0;
  failLoads = 0;
  failSaves = 0;
  /** Called at each injected write failure. */
  onFailure: () => void = () => undefined;
  #gate: Promise<void> | null = null;
  #open: (() => void) | null = null;

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }
  release(): void {
    this.#open?.();
    this.#gate = null;
  }

  override async load(name: string) {
    this.loads += 1;
    await this.#gate;
    if (this.failLoads > 0) {
      this.failLoads -= 1;
      throw new Error('disk unreadable');
    }
    return super.load(name);
  }

  override async delete(name: string) {
    await this.#gate;
    return super.delete(name);
  }

  override async appendUpdates(name: string, updates: readonly Uint8Array[]) {
    await this.#gate;
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      this.onFailure();
      throw new Error('disk full');
    }
    this.saves += 1;
    return super.appendUpdates(name, updates);
  }

  override async writeSnapshot(name: string, state: Uint8Array, metadata?: SnapshotMetadata) {
    await this.#gate;
    if (this.failSaves > 0) {
      this.failSaves -= 1;
      this.onFailure();
      throw new Error('disk full');
    }
    this.saves += 1;
    return super.writeSnapshot(name, state, metadata);
  }

  /** The document's text as a fresh load would see it. */
  async text(name: string): Promise<string> {
    const stored = await super.load(name);
    const doc = new Y.Doc();
    if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
    return doc.getText('t').toString();
  }
}


let peerCount = 0;
function newPeer(): { peer: Peer; socket: RecordingSocket } {
  const socket = new RecordingSocket();
  peerCount += 1;
  return { peer: new Peer(`p${peerCount}`, socket), socket };
}

function registryWith(store: ControlledStore) {
  return new RoomRegistry({
    store,
    logger: pino({ level: 'silent' }),
    snapshotPolicy: { idleMs: 5, maxWaitMs: 20, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 10, retryMaxMs: 40 },
    maxDocumentBytes: 32 << 20,
  });
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return encodeSyncUpdate(Y.encodeStateAsUpdate(doc));
}

describe('RoomRegistry', () => {
  it('loads a document once however many peers join at the same time', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    store.hold();
    const joins = Array.from({ length: 5 }, () => registry.join('shared', newPeer().peer));
    store.release();
    const rooms = await Promise.all(joins);
    expect(store.loads).toBe(1);
    expect(new Set(rooms).size).toBe(1);
    expect(rooms[0]!.peers.size).toBe(5);
    await registry.close();
  });

  it('refuses every waiting peer when the load fails, creates nothing, and tries again on the next join', async () => {
    const store = new ControlledStore();
    await store.writeSnapshot('precious', Y.encodeStateAsUpdate(new Y.Doc()));
    const registry = registryWith(store);
    store.failLoads = 1;
    store.hold();
    const joins = [registry.join('precious', newPeer().peer), registry.join('precious', newPeer().peer)];
    store.release();
    for (const join of joins) await expect(join).rejects.toThrow('disk unreadable');
    expect(registry.size).toBe(0);
    expect(store.saves).toBe(1); // only the setup save: nothing overwrote the stored document

    const room = await registry.join('precious', newPeer().peer);
    expect(room.peers.size).toBe(1);
    expect(store.loads).toBe(2);
    await registry.close();
  });

  it('relays an update to the other peers only, saves it, and unloads the room after the last peer left', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const alice = newPeer();
    const bob = newPeer();
    const room = await registry.join('relay', alice.peer);
    await registry.join('relay', bob.peer);
    const aliceFramesBefore = alice.socket.frames.length;

    room.receive(alice.peer, textUpdate('hi'));
    expect(bob.socket.replay().getText('t').toString()).toBe('hi');
    expect(alice.socket.frames.length).toBe(aliceFramesBefore);

    room.removePeer(alice.peer);
    room.removePeer(bob.peer);
    await waitFor(() => registry.size === 0, { description: 'room to unload' });
    expect(room.destroyed).toBe(true);
    expect(await store.text('relay')).toBe('hi');
  });

  it('answers every new peer with the whole document, encoded once until the document changes, and partial peers with what they lack', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const writer = newPeer();
    const room = await registry.join('joined', writer.peer);
    room.receive(writer.peer, textUpdate('first'));
    const askFromScratch = () => encodeSyncStep1(Y.encodeStateVector(new Y.Doc()));
    const syncStep2Frames = (socket: RecordingSocket) => socket.frames.filter((frame) => decodeMessage(frame).type === 'sync-step2');
    const updateOf = (frame: Uint8Array | undefined) => {
      const message = decodeMessage(frame!);
      if (message.type !== 'sync-step2') throw new Error(`expected sync step 2, got ${message.type}`);
      return message.update;
    };

    const [a, b] = [newPeer(), newPeer()];
    for (const { peer } of [a, b]) {
      await registry.join('joined', peer);
      room.receive(peer, askFromScratch());
    }
    // The same bytes: one encoding served both.
    expect(syncStep2Frames(a.socket)[0]).toBe(syncStep2Frames(b.socket)[0]);
    expect(a.socket.replay().getText('t').toString()).toBe('first');

    room.receive(writer.peer, textUpdate(' second'));
    const c = newPeer();
    await registry.join('joined', c.peer);
    room.receive(c.peer, askFromScratch());
    expect(syncStep2Frames(c.socket)[0]).not.toBe(syncStep2Frames(a.socket)[0]);
    expect(c.socket.replay().getText('t').toString()).toBe(room.doc.getText('t').toString());

    // A peer that has part of the document gets only the rest.
    const partial = newPeer();
    await registry.join('joined', partial.peer);
    const known = new Y.Doc();
    Y.applyUpdate(known, updateOf(syncStep2Frames(a.socket)[0]));
    room.receive(partial.peer, encodeSyncStep1(Y.encodeStateVector(known)));
    const rest = updateOf(syncStep2Frames(partial.socket)[0]);
    Y.applyUpdate(known, rest);
    expect(known.getText('t').toString()).toBe(room.doc.getText('t').toString());
    expect(rest.byteLength).toBeLessThan(updateOf(syncStep2Frames(c.socket)[0]).byteLength);
    await registry.close();
  });

  it('keeps the room when a peer joins while its last save is running', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const alice = newPeer();
    const room = await registry.join('rejoin', alice.peer);
    room.receive(alice.peer, textUpdate('kept'));
    store.hold();
    room.removePeer(alice.peer);
    const bob = newPeer();
    const rejoined = await registry.join('rejoin', bob.peer);
    store.release();
    await waitFor(() => !room.hasUnsavedChanges, { description: 'save to finish' });
    expect(rejoined).toBe(room);
    expect(room.destroyed).toBe(false);
    expect(registry.size).toBe(1);
    await registry.close();
  });

  it('keeps a room whose save failed in memory and unloads it once a retry succeeds', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const alice = newPeer();
    const room = await registry.join('flaky-disk', alice.peer);
    store.failSaves = 3;
    const loadedAtFailure: boolean[] = [];
    store.onFailure = () => loadedAtFailure.push(registry.size === 1 && !room.destroyed);
    room.receive(alice.peer, textUpdate('do not lose me'));
    room.removePeer(alice.peer);
    await waitFor(() => store.failSaves === 0, { description: 'three failed saves' });
    expect(loadedAtFailure).toEqual([true, true, true]);
    await waitFor(() => registry.size === 0, { description: 'room to unload after a successful retry' });
    expect(await store.text('flaky-disk')).toBe('do not lose me');
  });

  it('removes the presence of a peer that leaves and tells the others', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const alice = newPeer();
    const bob = newPeer();
    const room = await registry.join('presence', alice.peer);
    await registry.join('presence', bob.peer);
    const clientDoc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(clientDoc);
    awareness.setLocalState({ user: { name: 'Alice' } });
    room.receive(alice.peer, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [clientDoc.clientID])));
    expect(room.awareness.getStates().has(clientDoc.clientID)).toBe(true);
    expect(alice.peer.awarenessClientIds.has(clientDoc.clientID)).toBe(true);

    const bobView = new awarenessProtocol.Awareness(new Y.Doc());
    const applyAll = () => {
      for (const frame of bob.socket.frames.splice(0)) {
        const message = decodeMessage(frame);
        if (message.type === 'awareness') awarenessProtocol.applyAwarenessUpdate(bobView, message.update, null);
      }
    };
    applyAll();
    expect(bobView.getStates().get(clientDoc.clientID)).toEqual({ user: { name: 'Alice' } });
    room.removePeer(alice.peer);
    applyAll();
    expect(room.awareness.getStates().has(clientDoc.clientID)).toBe(false);
    expect(bobView.getStates().has(clientDoc.clientID)).toBe(false);
    awareness.destroy();
    bobView.destroy();
    await registry.close();
  });

  it('closes only the peer that sent a bad frame, with 4400, and leaves the document untouched', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const alice = newPeer();
    const mallory = newPeer();
    const room = await registry.join('guarded', alice.peer);
    await registry.join('guarded', mallory.peer);
    room.receive(alice.peer, textUpdate('safe'));
    room.receive(mallory.peer, new Uint8Array([0, 2, 5, 1, 2, 3, 4, 5]));
    expect(mallory.socket.closedWith?.code).toBe(4400);
    expect(alice.socket.closedWith).toBeNull();
    expect(room.peers.has(alice.peer)).toBe(true);
    expect(room.peers.has(mallory.peer)).toBe(false);
    expect(room.doc.getText('t').toString()).toBe('safe');
    await registry.close();
  });

  it('close() sends 1012 to every peer, saves every room and refuses new joins', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const alice = newPeer();
    const room = await registry.join('closing', alice.peer);
    room.receive(alice.peer, textUpdate('flushed on close'));
    await registry.close();
    expect(alice.socket.closedWith?.code).toBe(1012);
    expect(await store.text('closing')).toBe('flushed on close');
    // Closing wrote a snapshot: nothing is left in the log to replay.
    expect((await store.load('closing'))!.updates).toEqual([]);
    await expect(registry.join('closing', newPeer().peer)).rejects.toBeInstanceOf(ShuttingDownError);
  });
});

describe('RoomRegistry: creating and deleting documents', () => {
  /** A Yjs update holding a TipTap document with one heading, as the importer builds it. */
  function headingUpdate(title: string): Uint8Array {
    const doc = new Y.Doc();
    const heading = new Y.XmlElement('heading');
    heading.setAttribute('level', '1');
    heading.insert(0, [new Y.XmlText(title)]);
    doc.getXmlFragment('default').insert(0, [heading]);
    return Y.encodeStateAsUpdate(doc);
  }

  it('seeds a new document once: the second create of the same name changes nothing', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const results = await Promise.all([registry.create('fresh', headingUpdate('First')), registry.create('fresh', headingUpdate('Second'))]);
    expect(results.sort()).toEqual([false, true]);
    const listed = await store.list();
    expect(listed.map((info) => info.documentName)).toEqual(['fresh']);
    // One heading, whichever create won: the content was not applied twice.
    const stored = (await store.load('fresh'))!;
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    expect(doc.getXmlFragment('default').length).toBe(1);
    expect(['First', 'Second']).toContain(listed[0]!.title);
    await registry.close();
  });

  it('refuses to seed a stored document, even an empty one, and seeds one opened but never written', async () => {
    const store = new ControlledStore();
    await store.appendUpdates('emptied', [Y.encodeStateAsUpdate(new Y.Doc())]);
    const registry = registryWith(store);
    expect(await registry.create('emptied', headingUpdate('Late'))).toBe(false);
    const { peer, socket } = newPeer();
    await registry.join('opened', peer);
    expect(await registry.create('opened', headingUpdate('Seeded'))).toBe(true);
    // The peer already in the empty document receives the content live.
    const received = socket.frames.map((frame) => decodeMessage(frame)).filter((message) => message.type === 'sync-update');
    expect(received).toHaveLength(1);
    await registry.close();
  });

  it('deletes a document: its peers get 4404, its data is gone, and a later join finds a new empty document', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const first = newPeer();
    const room = await registry.join('doomed', first.peer);
    room.receive(first.peer, textUpdate('secret'));
    await room.flush();
    expect(await registry.delete('doomed')).toBe(true);
    expect(first.socket.closedWith?.code).toBe(CloseCode.documentDeleted);
    expect(await store.load('doomed')).toBeNull();
    expect(await registry.delete('doomed')).toBe(false);
    const second = newPeer();
    const fresh = await registry.join('doomed', second.peer);
    expect(fresh).not.toBe(room);
    expect(fresh.doc.getText('t').toString()).toBe('');
    await registry.close();
  });

  it('unloads a never-stored room whose last peer left during a deletion of its name, once the deletion is over', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const { peer } = newPeer();
    const room = await registry.join('empty', peer);
    store.hold();
    // The deletion waits for the store; meanwhile the last peer leaves, which would unload the room.
    const deletion = registry.delete('empty');
    room.removePeer(peer);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(room.destroyed).toBe(false);
    store.release();
    expect(await deletion).toBe(false);
    await waitFor(() => registry.size === 0, { description: 'the empty room unloaded' });
    expect(room.destroyed).toBe(true);
    await registry.close();
  });

  it('writes nothing after a delete: updates still in flight land before the files are removed', async () => {
    const store = new ControlledStore();
    const registry = registryWith(store);
    const { peer } = newPeer();
    const room = await registry.join('racing', peer);
    store.hold();
    room.receive(peer, textUpdate('in flight'));
    const deletion = registry.delete('racing');
    // A join during the deletion waits for it.
    const late = newPeer();
    const joining = registry.join('racing', late.peer);
    store.release();
    expect(await deletion).toBe(true);
    expect(await store.load('racing')).toBeNull();
    const rejoined = await joining;
    expect(rejoined.doc.getText('t').toString()).toBe('');
    // Nothing written later brings it back either.
    await registry.close();
    expect(await store.load('racing')).toBeNull();
  });
});
