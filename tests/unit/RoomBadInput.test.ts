import { afterEach, describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { encodeAwareness, encodeSyncUpdate } from '../../server/protocol/encodeMessage.js';
import { MAX_AWARENESS_CLIENTS_PER_PEER, type Room } from '../../server/rooms/Room.js';
import { awarenessFrame, roomWithPeers as roomWithPeersOf } from '../support/roomWithPeers.js';


const rooms: Room[] = [];
afterEach(() => {
  for (const room of rooms.splice(0)) room.destroy();
});

function roomWithPeers(count: number) {
  const result = roomWithPeersOf(Array.from({ length: count }, () => ({})));
  rooms.push(result.room);
  return result;
}

const user = (name: string) => JSON.stringify({ user: { name } });

describe('a room refuses bad input whole, before any of it takes effect', () => {
  it('a truncated update: nothing applied, nothing relayed, sender closed with 4400', () => {
    const { room, peers } = roomWithPeers(2);
    const source = new Y.Doc();
    source.getText('t').insert(0, 'hello');
    source.getText('t').delete(0, 1);
    const update = Y.encodeStateAsUpdate(source);
    room.receive(peers[0]!.peer, encodeSyncUpdate(update.subarray(0, update.byteLength - 1)));
    expect(peers[0]!.socket.closedWith).toMatchObject({ code: 4400, reason: 'invalid Yjs update' });
    expect(room.doc.getText('t').toString()).toBe('');
    expect(peers[1]!.socket.frames).toHaveLength(0);
    expect(room.hasUnsavedChanges).toBe(false);
  });

  it(`an awareness flood (more than ${MAX_AWARENESS_CLIENTS_PER_PEER} client ids) is refused before y-protocols records any of them`, () => {
    const { room, peers } = roomWithPeers(2);
    const flood = Array.from({ length: 100 }, (_, index) => ({ clientId: 1000 + index, clock: 1, json: 'null' }));
    room.receive(peers[0]!.peer, awarenessFrame(flood));
    expect(peers[0]!.socket.closedWith?.code).toBe(4400);
    expect(peers[0]!.socket.closedWith?.reason).toMatch(/announces 100 awareness clients; at most 8/);
    expect(room.awareness.meta.size).toBe(1); // only the server's own record
    expect(peers[1]!.socket.frames).toHaveLength(0);
  });

  it('an oversized awareness update is refused by size before it is decoded', () => {
    const { room, peers } = roomWithPeers(1);
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 5, clock: 1, json: JSON.stringify({ junk: 'x'.repeat(2_000_000) }) }]));
    expect(peers[0]!.socket.closedWith?.reason).toMatch(/at most 1048576/);
    expect(room.awareness.getStates().size).toBe(0);
  });

  it('ids spread over many small updates hit the same per-connection limit', () => {
    const { room, peers } = roomWithPeers(1);
    for (let index = 0; index < MAX_AWARENESS_CLIENTS_PER_PEER + 1; index += 1) {
      room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 500 + index, clock: 1, json: user(`n${index}`) }]));
    }
    expect(peers[0]!.socket.closedWith?.code).toBe(4400);
    // Its presence is gone with it.
    expect(room.awareness.getStates().size).toBe(0);
  });

  it('an awareness update with one bad entry applies none of its entries', () => {
    const { room, peers } = roomWithPeers(2);
    room.receive(peers[0]!.peer, awarenessFrame([
      { clientId: 11, clock: 1, json: user('Mallory') },
      { clientId: 12, clock: 1, json: '{not json' },
    ]));
    expect(peers[0]!.socket.closedWith?.code).toBe(4400);
    expect(room.awareness.getStates().has(11)).toBe(false);
    expect(peers[1]!.socket.frames).toHaveLength(0);
  });

  it('nobody may speak for the server’s own awareness id', () => {
    const { room, peers } = roomWithPeers(1);
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: room.doc.clientID, clock: 5, json: user('Server') }]));
    expect(peers[0]!.socket.closedWith?.code).toBe(4400);
  });

  it('a client that reconnects before its old connection closed keeps its presence when the old one goes', () => {
    const { room, peers } = roomWithPeers(3);
    const [oldConnection, newConnection, watcher] = peers;
    room.receive(oldConnection!.peer, awarenessFrame([{ clientId: 77, clock: 1, json: user('Ada') }]));
    room.receive(newConnection!.peer, awarenessFrame([{ clientId: 77, clock: 2, json: user('Ada') }]));
    expect(newConnection!.socket.closedWith).toBeNull();
    room.removePeer(oldConnection!.peer);
    expect(room.awareness.getStates().get(77)).toEqual({ user: { name: 'Ada' } });
    room.removePeer(newConnection!.peer);
    expect(room.awareness.getStates().has(77)).toBe(false);
    expect(watcher!.socket.closedWith).toBeNull();
  });

  it('echoes of everyone else’s presence (as stock clients send) are accepted and change nothing', () => {
    const { room, peers } = roomWithPeers(12);
    peers.forEach(({ peer }, index) => room.receive(peer, awarenessFrame([{ clientId: 100 + index, clock: 3, json: user(`P${index}`) }])));
    const everyone = peers.map((_, index) => ({ clientId: 100 + index, clock: 3, json: user(`P${index}`) }));
    const newcomer = peers[11]!;
    newcomer.socket.frames.length = 0;
    room.receive(newcomer.peer, awarenessFrame(everyone));
    expect(newcomer.socket.closedWith).toBeNull();
    expect(newcomer.socket.frames).toHaveLength(0); // nothing changed, nothing relayed
    // Ownership did not move: when P0 leaves, P0's presence goes.
    room.removePeer(peers[0]!.peer);
    expect(room.awareness.getStates().has(100)).toBe(false);
    expect(room.awareness.getStates().size).toBe(11);
  });

  it('nobody can remove someone else’s presence', () => {
    const { room, peers } = roomWithPeers(2);
    room.receive(peers[0]!.peer, awarenessFrame([{ clientId: 21, clock: 4, json: user('Ada') }]));
    room.receive(peers[1]!.peer, awarenessFrame([{ clientId: 21, clock: 4, json: 'null' }]));
    expect(room.awareness.getStates().get(21)).toEqual({ user: { name: 'Ada' } });
    expect(peers[1]!.socket.closedWith).toBeNull();
  });

  it('a well-behaved client is unaffected by all of this', () => {
    const { room, peers } = roomWithPeers(2);
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Ada', color: '#1565c0' } });
    room.receive(peers[0]!.peer, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])));
    doc.getText('t').insert(0, 'fine');
    room.receive(peers[0]!.peer, encodeSyncUpdate(Y.encodeStateAsUpdate(doc)));
    expect(peers[0]!.socket.closedWith).toBeNull();
    expect(room.doc.getText('t').toString()).toBe('fine');
    expect(peers[1]!.socket.messageTypes()).toEqual(['awareness', 'sync-update']);
    awareness.destroy();
  });
});
