import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeSyncUpdate } from '../../server/protocol/encodeMessage.js';
import { Peer } from '../../server/rooms/Peer.js';
import type { DocumentEvent } from '../../server/rooms/Room.js';
import { RoomRegistry } from '../../server/rooms/RoomRegistry.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { RecordingSocket } from '../support/RecordingSocket.js';

/** The events webhooks are built from, as the registry and its rooms report them. */
function registryWithEvents(store = new MemoryDocumentStore()) {
  const events: string[] = [];
  const registry = new RoomRegistry({
    store,
    logger: pino({ level: 'silent' }),
    snapshotPolicy: { idleMs: 5, maxWaitMs: 20, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 10, retryMaxMs: 40 },
    maxDocumentBytes: 32 << 20,
    onDocumentEvent: (event: DocumentEvent) => events.push(`${event.type} ${event.documentName}`),
  });
  return { registry, events, store };
}

function textUpdate(text: string, doc = new Y.Doc()): Uint8Array {
  const before = Y.encodeStateVector(doc);
  doc.getText('t').insert(doc.getText('t').length, text);
  return Y.encodeStateAsUpdate(doc, before);
}

describe('document events', () => {
  it('reports a document created through the registry once, and nothing for a refused second create', async () => {
    const { registry, events } = registryWithEvents();
    expect(await registry.create('plan', textUpdate('seed'))).toBe(true);
    expect(await registry.create('plan', textUpdate('again'))).toBe(false);
    expect(events).toEqual(['created plan']);
    await registry.close();
  });

  it('reports the first change a peer makes to a new document as created, the rest as changed', async () => {
    const { registry, events } = registryWithEvents();
    const peer = new Peer('p1', new RecordingSocket());
    const room = await registry.join('fresh', peer);
    // A stock client answers the server's sync step 1 with its (empty) state: not a change.
    room.receive(peer, encodeSyncUpdate(Y.encodeStateAsUpdate(new Y.Doc())));
    expect(events).toEqual([]);
    const doc = new Y.Doc();
    room.receive(peer, encodeSyncUpdate(textUpdate('a', doc)));
    room.receive(peer, encodeSyncUpdate(textUpdate('b', doc)));
    expect(events).toEqual(['created fresh', 'changed fresh']);
    await registry.close();
  });

  it('reports changes to a stored document as changed, and its deletion as deleted', async () => {
    const store = new MemoryDocumentStore();
    await store.appendUpdates('old', [textUpdate('stored')]);
    const { registry, events } = registryWithEvents(store);
    const peer = new Peer('p1', new RecordingSocket());
    const room = await registry.join('old', peer);
    room.receive(peer, encodeSyncUpdate(textUpdate('more')));
    expect(await registry.delete('old')).toBe(true);
    expect(await registry.delete('old')).toBe(false);
    expect(events).toEqual(['changed old', 'deleted old']);
    await registry.close();
  });

  it('drops a read-only peer’s changes without an event', async () => {
    const { registry, events } = registryWithEvents();
    const peer = new Peer('p1', new RecordingSocket(), { readOnly: true });
    const room = await registry.join('watched', peer);
    room.receive(peer, encodeSyncUpdate(textUpdate('nope')));
    expect(events).toEqual([]);
    await registry.close();
  });
});
