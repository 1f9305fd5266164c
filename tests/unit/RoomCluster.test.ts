import { pino } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeClusterFrame, encodeClusterFrame } from '../../server/cluster/clusterFrames.js';
import { encodeSyncUpdate } from '../../server/protocol/encodeMessage.js';
import { Peer } from '../../server/rooms/Peer.js';
import { Room, type DocumentEvent, type RoomRelay } from '../../server/rooms/Room.js';
import { StorageError, type CompactionLeases } from '../../storage/DocumentStore.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { awarenessFrame } from '../support/roomWithPeers.js';
import { RecordingSocket } from '../support/RecordingSocket.js';

/**
 * Two rooms of one document joined the way two server instances are (each one's relay feeds the
 * other's `applyRemote…`), without Redis in between: what crosses, what does not come back, and
 * what each instance saves and reports.
 */

const rooms: Room[] = [];
afterEach(() => {
  for (const room of rooms.splice(0)) {
    room.closePeers(1000, 'test over');
    room.destroy();
  }
});

const POLICY = { idleMs: 60_000, maxWaitMs: 60_000, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 10, retryMaxMs: 40 };

/** A relay that hands everything to another room, and counts what it was given. */
class LinkTo implements RoomRelay {
  target: Room | null = null;
  constructor(readonly from: string) {}
  published = { updates: 0, awareness: 0 };
  publishUpdate(update: Uint8Array): void {
    this.published.updates += 1;
    this.target?.applyRemoteUpdate(update);
  }
  publishAwareness(update: Uint8Array): void {
    this.published.awareness += 1;
    this.target?.applyRemoteAwareness(update, this.from);
  }
  close(): void {
    this.target = null;
  }
}

function instance(relay: LinkTo, store = new MemoryDocumentStore(), events: DocumentEvent[] = [], extra: Partial<ConstructorParameters<typeof Room>[0]> = {}) {
  const room = new Room({
    ...extra,
    documentName: 'shared',
    stored: null,
    store,
    logger: pino({ level: 'silent' }),
    snapshotPolicy: POLICY,
    maxDocumentBytes: 32 << 20,
    onMaybeIdle: () => undefined,
    onDocumentEvent: (event) => events.push(event),
    relay,
  });
  rooms.push(room);
  return { room, store, events };
}

function twoInstances() {
  const toB = new LinkTo('instance-a');
  const toA = new LinkTo('instance-b');
  const a = instance(toB);
  const b = instance(toA);
  toB.target = b.room;
  toA.target = a.room;
  return { a, b, toA, toB };
}

function join(room: Room, id: string): { peer: Peer; socket: RecordingSocket } {
  const socket = new RecordingSocket();
  const peer = new Peer(id, socket);
  room.addPeer(peer);
  socket.frames.length = 0;
  return { peer, socket };
}

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('content').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

function presenceOf(room: Room): string[] {
  return [...room.awareness.getStates().values()].map((state) => (state as { user: { name: string } }).user.name).sort();
}

describe('rooms of one document on two instances', () => {
  it('a peer’s change reaches the other instance’s peers once, and is not sent back', () => {
    const { a, b, toA, toB } = twoInstances();
    const alice = join(a.room, 'alice');
    const bob = join(b.room, 'bob');
    a.room.receive(alice.peer, encodeSyncUpdate(textUpdate('hello')));

    expect(b.room.doc.getText('content').toString()).toBe('hello');
    expect(bob.socket.replay().getText('content').toString()).toBe('hello');
    expect(toB.published.updates).toBe(1);
    // B applied it as a remote change: nothing goes back to A.
    expect(toA.published.updates).toBe(0);
    expect(alice.socket.messageTypes()).not.toContain('sync-update');
  });

  it('both instances log a relayed change, but only the instance it was made on reports it', async () => {
    const { a, b } = twoInstances();
    const alice = join(a.room, 'alice');
    a.room.receive(alice.peer, encodeSyncUpdate(textUpdate('kept twice')));
    await Promise.all([a.room.flushLog(), b.room.flushLog()]);
    for (const store of [a.store, b.store]) {
      const doc = new Y.Doc();
      for (const update of (await store.load('shared'))!.updates) Y.applyUpdate(doc, update);
      expect(doc.getText('content').toString()).toBe('kept twice');
    }
    expect(a.events).toEqual([{ type: 'created', documentName: 'shared' }]);
    expect(b.events).toEqual([]);
  });

  it('drops a relayed update that does not decode, or decodes and fails to apply, and keeps serving its peers', () => {
    const { b } = twoInstances();
    const bob = join(b.room, 'bob');
    b.room.applyRemoteUpdate(new Uint8Array([1, 2, 3, 250]));
    // Found by mutating a valid update: Y.decodeUpdate accepts it, Y.applyUpdate throws.
    const decodesButThrows = new Uint8Array([
      1, 3, 199, 159, 239, 221, 11, 0, 4, 1, 7, 99, 111, 110, 45, 101, 110, 116, 2, 104, 101, 129, 199, 159, 239, 221, 11, 119, 3, 132, 199, 159, 239, 221, 11, 4, 6, 32, 119, 111,
      114, 108, 100, 1, 199, 159, 239, 221, 11, 1, 2, 3,
    ]);
    expect(() => Y.decodeUpdate(decodesButThrows)).not.toThrow();
    expect(() => b.room.applyRemoteUpdate(decodesButThrows)).not.toThrow();
    b.room.applyRemoteUpdate(textUpdate('still fine'));
    expect(b.room.doc.getText('content').toString()).toContain('still fine');
    expect(bob.socket.closedWith).toBeNull();
  });

  it('a peer on one instance can neither remove nor take over the presence of someone served by another', () => {
    const { a, b } = twoInstances();
    const alice = join(a.room, 'alice');
    a.room.receive(alice.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    const mallory = join(b.room, 'mallory');
    b.room.receive(mallory.peer, awarenessFrame([{ clientId: 11, clock: 2, json: 'null' }]));
    expect(presenceOf(a.room)).toEqual(['Alice']);
    expect(presenceOf(b.room)).toEqual(['Alice']);
    expect(mallory.socket.closedWith).toBeNull();
  });

  it('a stock client echoing the presence of someone on the other instance claims nothing: that person leaving still removes them', () => {
    const { a, b } = twoInstances();
    const alice = join(a.room, 'alice');
    a.room.receive(alice.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    const bob = join(b.room, 'bob');
    b.room.receive(bob.peer, awarenessFrame([{ clientId: 22, clock: 1, json: '{"user":{"name":"Bob"}}' }]));
    // y-websocket sends every awareness change it receives back to the server.
    b.room.receive(bob.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    a.room.removePeer(alice.peer);
    expect(presenceOf(b.room)).toEqual(['Bob']);
  });

  it('a stock client that reconnects to the other instance with the same clock moves there, and its old connection closing late removes nothing', () => {
    const { a, b } = twoInstances();
    const old = join(a.room, 'alice-old');
    a.room.receive(old.peer, awarenessFrame([{ clientId: 11, clock: 3, json: '{"user":{"name":"Alice"}}' }]));
    const moved = join(b.room, 'alice-new');
    // y-websocket re-announces its state unchanged (same clock) on a new connection.
    b.room.receive(moved.peer, awarenessFrame([{ clientId: 11, clock: 3, json: '{"user":{"name":"Alice"}}' }]));
    a.room.removePeer(old.peer);
    expect(presenceOf(a.room)).toEqual(['Alice']);
    expect(presenceOf(b.room)).toEqual(['Alice']);
    // …and when it really leaves, both instances see it go.
    b.room.removePeer(moved.peer);
    expect(presenceOf(a.room)).toEqual([]);
    expect(presenceOf(b.room)).toEqual([]);
  });

  it('presence crosses instances, and a peer leaving removes it there too', () => {
    const { a, b } = twoInstances();
    const alice = join(a.room, 'alice');
    join(b.room, 'bob');
    a.room.receive(alice.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    expect(presenceOf(b.room)).toEqual(['Alice']);
    a.room.removePeer(alice.peer);
    expect(presenceOf(b.room)).toEqual([]);
  });

  it('presence another instance drops for silence stays its own decision', () => {
    const { a, b, toB } = twoInstances();
    const alice = join(a.room, 'alice');
    a.room.receive(alice.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    const sent = toB.published.awareness;
    awarenessProtocol.removeAwarenessStates(a.room.awareness, [11], 'timeout');
    expect(toB.published.awareness).toBe(sent);
    expect(presenceOf(b.room)).toEqual(['Alice']);
  });

  it('a client that reconnected to the other instance keeps its presence when its old connection closes late', () => {
    const { a, b } = twoInstances();
    const old = join(a.room, 'alice-old');
    a.room.receive(old.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    const moved = join(b.room, 'alice-new');
    b.room.receive(moved.peer, awarenessFrame([{ clientId: 11, clock: 2, json: '{"user":{"name":"Alice"}}' }]));
    // The load balancer's old connection to A closes only now.
    a.room.removePeer(old.peer);
    expect(presenceOf(a.room)).toEqual(['Alice']);
    expect(presenceOf(b.room)).toEqual(['Alice']);
  });

  it('answers another instance with what it lacks and with its own peers’ presence only', () => {
    const { a, b } = twoInstances();
    const alice = join(a.room, 'alice');
    a.room.receive(alice.peer, encodeSyncUpdate(textUpdate('only here')));
    a.room.receive(alice.peer, awarenessFrame([{ clientId: 11, clock: 1, json: '{"user":{"name":"Alice"}}' }]));
    const bob = join(b.room, 'bob');
    b.room.receive(bob.peer, awarenessFrame([{ clientId: 22, clock: 1, json: '{"user":{"name":"Bob"}}' }]));

    const late = new Y.Doc();
    Y.applyUpdate(late, a.room.encodeMissing(Y.encodeStateVector(late)));
    expect(late.getText('content').toString()).toBe('only here');
    const listed = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(listed, a.room.encodeLocalAwareness(), 'test');
    expect([...listed.getStates().keys()].filter((id) => id !== listed.clientID)).toEqual([11]);
  });
});

describe('compaction on a shared store', () => {
  class LeasedStore extends MemoryDocumentStore {
    token: number | null = 1;
    fenced = false;
    snapshots = 0;
    readonly leases: CompactionLeases = {
      acquire: () => Promise.resolve(this.token),
      release: () => Promise.resolve(),
    };
    override async writeSnapshot(documentName: string, state: Uint8Array, metadata?: { title?: string; fencingToken?: number }): Promise<void> {
      if (this.fenced) throw new StorageError('fenced', 'the lease has passed to another holder');
      expect(metadata?.fencingToken).toBe(this.token);
      this.snapshots += 1;
      return super.writeSnapshot(documentName, state, metadata);
    }
  }

  function roomOn(store: LeasedStore, extra: Partial<ConstructorParameters<typeof Room>[0]> = {}) {
    const relay = new LinkTo('instance-a');
    const { room } = instance(relay, store, [], extra);
    const peer = join(room, 'writer');
    room.receive(peer.peer, encodeSyncUpdate(textUpdate('compact me')));
    return room;
  }

  it('writes snapshots with its fencing token while it holds the lease', async () => {
    const store = new LeasedStore();
    await roomOn(store).flush();
    expect(store.snapshots).toBe(1);
  });

  it('leaves compaction to the holder while another instance has the lease, and the log keeps everything', async () => {
    const store = new LeasedStore();
    store.token = null;
    const room = roomOn(store);
    await room.flush();
    expect(store.snapshots).toBe(0);
    expect(room.hasUnsavedChanges).toBe(false);
    expect((await store.load('shared'))!.updates.length).toBeGreaterThan(0);
  });

  it('keeps its size estimate exact while another instance compacts, so small documents are never refused as too large', () => {
    const store = new LeasedStore();
    store.token = null;
    const room = roomOn(store, { maxDocumentBytes: 4096, snapshotPolicy: { ...POLICY, afterUpdates: 5 } });
    const writer = join(room, 'typist');
    const client = new Y.Doc();
    client.on('update', (update: Uint8Array) => room.receive(writer.peer, encodeSyncUpdate(update)));
    // Far more than 4 KiB of changes over time, but the document itself stays tiny.
    for (let round = 0; round < 300; round += 1) {
      client.getText('content').insert(0, 'some words ');
      client.getText('content').delete(0, 11);
    }
    expect(writer.socket.closedWith).toBeNull();
  });

  it('takes a fenced snapshot (it was paused past its lease) as the end of its turn, not as a failure', async () => {
    const store = new LeasedStore();
    store.fenced = true;
    const room = roomOn(store);
    await expect(room.flush()).resolves.toBeUndefined();
    expect(room.hasUnsavedChanges).toBe(false);
  });
});

describe('cluster frames', () => {
  it('round-trip every kind', () => {
    const frames = [
      { kind: 'update', from: 'i1', update: new Uint8Array([1, 2]) },
      { kind: 'awareness', from: 'i1', update: new Uint8Array([0]) },
      { kind: 'hello', from: 'i2', stateVector: new Uint8Array([0]) },
      { kind: 'welcome', from: 'i2', to: 'i1', update: new Uint8Array([0, 0]), stateVector: new Uint8Array([0]), awareness: new Uint8Array([0]) },
      { kind: 'deleted', from: 'i3' },
    ] as const;
    for (const frame of frames) expect(decodeClusterFrame(encodeClusterFrame(frame))).toEqual(frame);
  });

  it('ignore frames of another version and refuse malformed ones', () => {
    const frame = encodeClusterFrame({ kind: 'deleted', from: 'i1' });
    const otherVersion = frame.slice();
    otherVersion[0] = 2;
    expect(decodeClusterFrame(otherVersion)).toBeNull();
    expect(() => decodeClusterFrame(frame.subarray(0, 3))).toThrow();
    expect(() => decodeClusterFrame(new Uint8Array([...frame, 7]))).toThrow(/trailing/);
    expect(() => decodeClusterFrame(new Uint8Array([1, 9, 0]))).toThrow(/unknown/);
  });
});
