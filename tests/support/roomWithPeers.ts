import * as encoding from 'lib0/encoding';
import { pino } from 'pino';
import { encodeAwareness } from '../../server/protocol/encodeMessage.js';
import { Peer, type PeerOptions } from '../../server/rooms/Peer.js';
import { Room } from '../../server/rooms/Room.js';
import { MemoryDocumentStore } from '../../storage/MemoryDocumentStore.js';
import { RecordingSocket } from './RecordingSocket.js';

/**
 * A room on a memory store with peers already joined (their handshake frames
 * cleared), for unit tests that drive `room.receive` directly. Destroy the
 * room after the test.
 */
export function roomWithPeers(peerOptions: PeerOptions[], options: { maxDocumentBytes?: number } = {}) {
  const room = new Room({
    documentName: 'target',
    stored: null,
    store: new MemoryDocumentStore(),
    logger: pino({ level: 'silent' }),
    snapshotPolicy: { idleMs: 60_000, maxWaitMs: 60_000, afterUpdates: 1000, afterBytes: 1 << 20, retryBaseMs: 1000, retryMaxMs: 1000 },
    maxDocumentBytes: options.maxDocumentBytes ?? 32 << 20,
    onMaybeIdle: () => undefined,
  });
  const peers = peerOptions.map((peerOption, index) => {
    const socket = new RecordingSocket();
    const peer = new Peer(`p${index}`, socket, peerOption);
    room.addPeer(peer);
    socket.frames.length = 0;
    return { peer, socket };
  });
  return { room, peers };
}

/** An awareness update written by hand, entry by entry, as a malicious client could. */
export function awarenessFrame(entries: { clientId: number; clock: number; json: string }[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.json);
  }
  return encodeAwareness(encoding.toUint8Array(encoder));
}
