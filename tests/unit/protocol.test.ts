import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { decodeMessage } from '../../server/protocol/decodeMessage.js';
import {
  encodeAwareness,
  encodePermissionDenied,
  encodeQueryAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '../../server/protocol/encodeMessage.js';
import { ProtocolError } from '../../server/protocol/ProtocolError.js';

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

/** What the stock y-websocket client sends, built with y-protocols itself. */
function clientFrame(write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  write(encoder);
  return encoding.toUint8Array(encoder);
}

describe('decodeMessage reads what y-protocols writes', () => {
  it('sync step 1 carries the state vector', () => {
    const doc = docWithText('abc');
    const frame = clientFrame((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, doc);
    });
    const message = decodeMessage(frame);
    expect(message).toEqual({ type: 'sync-step1', stateVector: Y.encodeStateVector(doc) });
  });

  it('sync step 2 and update carry Yjs updates that apply cleanly', () => {
    const source = docWithText('hello');
    const step2 = decodeMessage(clientFrame((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeSyncStep2(e, source); }));
    const update = decodeMessage(clientFrame((e) => { encoding.writeVarUint(e, 0); syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(source)); }));
    expect(step2.type).toBe('sync-step2');
    expect(update.type).toBe('sync-update');
    for (const message of [step2, update]) {
      const target = new Y.Doc();
      Y.applyUpdate(target, (message as { update: Uint8Array }).update);
      expect(target.getText('t').toString()).toBe('hello');
    }
  });

  it('awareness and query-awareness', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Alice' } });
    const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]);
    expect(decodeMessage(clientFrame((e) => { encoding.writeVarUint(e, 1); encoding.writeVarUint8Array(e, update); }))).toEqual({ type: 'awareness', update });
    expect(decodeMessage(clientFrame((e) => encoding.writeVarUint(e, 3)))).toEqual({ type: 'query-awareness' });
    awareness.destroy();
  });
});

describe('the encoders write what the stock client reads', () => {
  it('sync step 1 → the client answers with step 2 containing what the server lacks', () => {
    const server = docWithText('server');
    const client = docWithText('client');
    const decoder = decoding.createDecoder(encodeSyncStep1(Y.encodeStateVector(server)));
    expect(decoding.readVarUint(decoder)).toBe(0);
    const reply = encoding.createEncoder();
    expect(syncProtocol.readSyncMessage(decoder, reply, client, null)).toBe(syncProtocol.messageYjsSyncStep1);
    const replyDecoder = decoding.createDecoder(encoding.toUint8Array(reply));
    expect(decoding.readVarUint(replyDecoder)).toBe(syncProtocol.messageYjsSyncStep2);
    Y.applyUpdate(server, decoding.readVarUint8Array(replyDecoder));
    expect(server.getText('t').toString()).toContain('client');
  });

  it.each([
    ['step 2', encodeSyncStep2, syncProtocol.messageYjsSyncStep2],
    ['update', encodeSyncUpdate, syncProtocol.messageYjsUpdate],
  ])('sync %s applies to the client document', (_name, encode, expectedType) => {
    const target = new Y.Doc();
    const decoder = decoding.createDecoder(encode(Y.encodeStateAsUpdate(docWithText('relayed'))));
    expect(decoding.readVarUint(decoder)).toBe(0);
    expect(syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), target, null)).toBe(expectedType);
    expect(target.getText('t').toString()).toBe('relayed');
  });

  it('awareness, query-awareness and permission-denied frames', () => {
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Bob' } });
    const received = new awarenessProtocol.Awareness(new Y.Doc());
    const decoder = decoding.createDecoder(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])));
    expect(decoding.readVarUint(decoder)).toBe(1);
    awarenessProtocol.applyAwarenessUpdate(received, decoding.readVarUint8Array(decoder), null);
    expect(received.getStates().get(doc.clientID)).toEqual({ user: { name: 'Bob' } });
    expect([...encodeQueryAwareness()]).toEqual([3]);
    const denied = decoding.createDecoder(encodePermissionDenied('no'));
    expect([decoding.readVarUint(denied), decoding.readVarUint(denied), decoding.readVarString(denied)]).toEqual([2, 0, 'no']);
    awareness.destroy();
    received.destroy();
  });
});

describe('decodeMessage refuses malformed frames', () => {
  it.each([
    ['an empty frame', new Uint8Array([]), /empty message/],
    ['an unknown message type', new Uint8Array([7]), /unknown message type 7/],
    ['an unknown sync type', new Uint8Array([0, 9, 0]), /unknown sync message type 9/],
    ['a length beyond the frame', new Uint8Array([0, 2, 100, 1, 2]), /claims 100 bytes but only 2 remain/],
    ['a truncated varint', new Uint8Array([0, 0, 0xff]), /truncated or malformed/],
    ['trailing bytes', new Uint8Array([3, 1, 2]), /2 unexpected trailing bytes/],
    ['an unknown auth type', new Uint8Array([2, 5]), /unknown auth message type/],
  ])('%s', (_name, frame, why) => {
    expect(() => decodeMessage(frame)).toThrow(ProtocolError);
    expect(() => decodeMessage(frame)).toThrow(why);
  });
});

describe('awareness entries', () => {
  it('decode what y-protocols encodes, and encode what y-protocols applies', async () => {
    const { decodeAwarenessEntries, encodeAwarenessEntries } = await import('../../server/protocol/awarenessEntries.js');
    const doc = new Y.Doc();
    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: { name: 'Ada' }, cursor: null });
    const entries = decodeAwarenessEntries(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]), 10);
    expect(entries).toEqual([{ clientId: doc.clientID, clock: 1, state: { user: { name: 'Ada' }, cursor: null } }]);
    const received = new awarenessProtocol.Awareness(new Y.Doc());
    awarenessProtocol.applyAwarenessUpdate(received, encodeAwarenessEntries(entries), null);
    expect(received.getStates().get(doc.clientID)).toEqual({ user: { name: 'Ada' }, cursor: null });
    awareness.destroy();
    received.destroy();
  });

  it.each([
    ['truncated', new Uint8Array([2, 5, 1]), /truncated or malformed/],
    ['too many entries', new Uint8Array([11]), /lists 11 clients; at most 10/],
    ['not JSON', new Uint8Array([1, 5, 1, 3, 123, 123, 123]), /not JSON/],
    ['trailing bytes', new Uint8Array([0, 9]), /trailing bytes/],
  ])('refuse a %s update', async (_name, update, why) => {
    const { decodeAwarenessEntries } = await import('../../server/protocol/awarenessEntries.js');
    expect(() => decodeAwarenessEntries(update, 10)).toThrow(why);
  });
});
