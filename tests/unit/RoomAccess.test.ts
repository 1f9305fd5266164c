import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { decodeMessage } from '../../server/protocol/decodeMessage.js';
import { encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../../server/protocol/encodeMessage.js';
import type { Room } from '../../server/rooms/Room.js';
import type { RecordingSocket } from '../support/RecordingSocket.js';
import { awarenessFrame, roomWithPeers } from '../support/roomWithPeers.js';

const rooms: Room[] = [];
afterEach(() => {
  for (const room of rooms.splice(0)) room.destroy();
});

function track<T extends { room: Room }>(setup: T): T {
  rooms.push(setup.room);
  return setup;
}

function textUpdate(text: string, doc = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

/** The awareness states a peer was sent, by client id. */
function awarenessSeenBy(socket: RecordingSocket): Map<number, unknown> {
  const seen = new awarenessProtocol.Awareness(new Y.Doc());
  for (const frame of socket.frames) {
    const message = decodeMessage(frame);
    if (message.type === 'awareness') awarenessProtocol.applyAwarenessUpdate(seen, message.update, 'server');
  }
  const states = seen.getStates();
  seen.destroy();
  return states;
}

describe('read-only peers', () => {
  it('receive every change, but their own changes are dropped without closing them', () => {
    const { room, peers } = track(roomWithPeers([{}, { readOnly: true }, {}]));
    const [writer, reader, other] = peers as [(typeof peers)[0], (typeof peers)[0], (typeof peers)[0]];

    room.receive(writer.peer, encodeSyncUpdate(textUpdate('from the writer')));
    expect(reader.socket.frames).toHaveLength(1); // the reader is sent the writer's change

    const before = Y.encodeStateAsUpdate(room.doc);
    other.socket.frames.length = 0;
    room.receive(reader.peer, encodeSyncUpdate(textUpdate('from the reader')));
    room.receive(reader.peer, encodeSyncStep2(textUpdate('sneaked into sync step 2')));
    expect(room.doc.getText('t').toString()).toBe('from the writer');
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
    expect(other.socket.frames).toHaveLength(0); // nothing relayed
    expect(reader.socket.closedWith).toBeNull();
    expect(reader.peer.droppedUpdates).toBe(2);
  });

  it('still get the document on sync step 1 and show their presence', () => {
    const { room, peers } = track(roomWithPeers([{ readOnly: true, identity: { name: 'Bob', color: '#123456' } }, {}]));
    room.receive(peers[1]!.peer, encodeSyncUpdate(textUpdate('hello')));
    peers[0]!.socket.frames.length = 0;
    room.receive(peers[0]!.peer, encodeSyncStep1(Y.encodeStateVector(new Y.Doc())));
    const reply = decodeMessage(peers[0]!.socket.frames[0]!);
    expect(reply.type).toBe('sync-step2');
    const copy = new Y.Doc();
    if (reply.type === 'sync-step2') Y.applyUpdate(copy, reply.update);
    expect(copy.getText('t').toString()).toBe('hello');

    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 77, clock: 1, json: JSON.stringify({ user: { name: 'Bob' }, cursor: { anchor: 1 } }) }]));
    expect(awarenessSeenBy(peers[1]!.socket).get(77)).toMatchObject({ user: { name: 'Bob' }, cursor: { anchor: 1 } });
  });
});

describe('identity from the token', () => {
  it('replaces the name and colour a client claims, keeping its cursor and other fields', () => {
    const { room, peers } = track(roomWithPeers([{ identity: { name: 'Alice', color: '#ff0000' } }, {}]));
    const claimed = { user: { name: 'Mallory', color: '#000000', avatar: 'm.png' }, cursor: { anchor: 3, head: 5 } };
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 11, clock: 1, json: JSON.stringify(claimed) }]));
    expect(awarenessSeenBy(peers[1]!.socket).get(11)).toEqual({ user: { name: 'Alice', color: '#ff0000', avatar: 'm.png' }, cursor: { anchor: 3, head: 5 } });
    expect(room.awareness.getStates().get(11)).toMatchObject({ user: { name: 'Alice' } });
  });

  it('stamps a presence that is not an object too', () => {
    const { room, peers } = track(roomWithPeers([{ identity: { name: 'Alice', color: '#ff0000' } }, {}]));
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 12, clock: 1, json: '"I am Mallory"' }]));
    expect(room.awareness.getStates().get(12)).toEqual({ user: { name: 'Alice', color: '#ff0000' } });
  });

  it('does not let another person take over a presence, even with a newer clock', () => {
    const { room, peers } = track(
      roomWithPeers([{ identity: { name: 'Alice', color: '#ff0000' } }, { identity: { name: 'Mallory', color: '#000000' } }, { identity: { name: 'Alice', color: '#ff0000' } }]),
    );
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 21, clock: 1, json: JSON.stringify({ cursor: { anchor: 1 } }) }]));
    room.receive(peers[1]!.peer, awarenessFrame([{ clientId: 21, clock: 9, json: JSON.stringify({ cursor: { anchor: 99 } }) }]));
    expect(room.awareness.getStates().get(21)).toEqual({ cursor: { anchor: 1 }, user: { name: 'Alice', color: '#ff0000' } });
    // The same person reconnecting (a new connection, same identity) may.
    room.receive(peers[2]!.peer, awarenessFrame([{ clientId: 21, clock: 10, json: JSON.stringify({ cursor: { anchor: 2 } }) }]));
    expect(room.awareness.getStates().get(21)).toMatchObject({ cursor: { anchor: 2 } });
    expect(peers[2]!.peer.awarenessClientIds.has(21)).toBe(true);
  });

  it('does not let a read-only connection take over a writer’s presence, even of the same person', () => {
    const alice = { name: 'Alice', color: '#ff0000' };
    const { room, peers } = track(roomWithPeers([{ identity: alice }, { identity: alice, readOnly: true }]));
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 31, clock: 1, json: JSON.stringify({ cursor: 1 }) }]));
    room.receive(peers[1]!.peer, awarenessFrame([{ clientId: 31, clock: 5, json: JSON.stringify({ cursor: 2 }) }, { clientId: 31, clock: 6, json: 'null' }]));
    expect(room.awareness.getStates().get(31)).toMatchObject({ cursor: 1 });
  });
});

describe('presence records', () => {
  it('a connection may introduce only so many ids over its lifetime, and their records are freed when it closes', () => {
    const { room, peers } = track(roomWithPeers([{}, {}]));
    const [churner] = peers as [(typeof peers)[0]];
    let clientId = 1000;
    // Introduce an id, then say it left: 8 at a time is allowed, but not forever.
    for (; clientId < 1064; clientId += 1) {
      room.receive(churner.peer, awarenessFrame([{ clientId, clock: 1, json: '{}' }]));
      room.receive(churner.peer, awarenessFrame([{ clientId, clock: 2, json: 'null' }]));
    }
    expect(churner.socket.closedWith).toBeNull();
    room.receive(churner.peer, awarenessFrame([{ clientId, clock: 1, json: '{}' }]));
    expect(churner.socket.closedWith).toMatchObject({ code: 4400, reason: 'connection introduced 65 awareness clients; at most 64' });
    // The records y-protocols keeps of each id went with the connection.
    expect([...room.awareness.meta.keys()].filter((id) => id >= 1000 && id <= 1064)).toEqual([]);
  });
});

describe('document size limit', () => {
  it('refuses a change that would outgrow the limit with 4413, leaving the document as it was', () => {
    const { room, peers } = track(roomWithPeers([{}, {}], { maxDocumentBytes: 2048 }));
    const writer = new Y.Doc();
    room.receive(peers[0]!.peer, encodeSyncUpdate(textUpdate('a'.repeat(1000), writer)));
    expect(room.doc.getText('t').length).toBe(1000);
    const before = Y.encodeStateAsUpdate(room.doc);
    peers[1]!.socket.frames.length = 0;

    room.receive(peers[0]!.peer, encodeSyncUpdate(textUpdate('b'.repeat(1500), writer)));
    expect(peers[0]!.socket.closedWith).toMatchObject({ code: 4413, reason: expect.stringMatching(/size limit of 2 KiB; this change was not saved/) });
    expect(Y.encodeStateAsUpdate(room.doc)).toEqual(before);
    expect(peers[1]!.socket.frames).toHaveLength(0);
    expect(peers[1]!.socket.closedWith).toBeNull();
  });

  it('counts updates held back until what they depend on arrives (sending the first part last does not get past the limit)', () => {
    const { room, peers } = track(roomWithPeers([{}, {}], { maxDocumentBytes: 8 * 1024 }));
    const writer = new Y.Doc();
    const parts = Array.from({ length: 6 }, () => textUpdate('c'.repeat(2000), writer));
    for (const part of parts.slice(1)) room.receive(peers[0]!.peer, encodeSyncUpdate(part));
    expect(peers[0]!.socket.closedWith).toMatchObject({ code: 4413 });
    room.receive(peers[1]!.peer, encodeSyncUpdate(parts[0]!));
    expect(room.doc.getText('t').length).toBeLessThanOrEqual(8 * 1024);
  });

  it('always accepts deletions, so a full document can be trimmed', () => {
    const { room, peers } = track(roomWithPeers([{}], { maxDocumentBytes: 1100 }));
    const writer = new Y.Doc();
    room.receive(peers[0]!.peer, encodeSyncUpdate(textUpdate('a'.repeat(1060), writer)));
    const before = Y.encodeStateVector(writer);
    writer.getText('t').delete(0, 500);
    room.receive(peers[0]!.peer, encodeSyncUpdate(Y.encodeStateAsUpdate(writer, before)));
    // A pure deletion carries no new structs, so the state vector does not move: compare the text.
    expect(room.doc.getText('t').length).toBe(560);
    expect(peers[0]!.socket.closedWith).toBeNull();
  });
});
