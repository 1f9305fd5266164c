import * as encoding from 'lib0/encoding';
import { SAVED_STATE_MESSAGE_TYPE } from '../../common/savedState.js';
import { AuthMessageType, MessageType, SyncMessageType } from './messageTypes.js';

/** Server → client frames of the y-websocket protocol (layout in `messageTypes.ts`). */

export function encodeSyncStep1(stateVector: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.step1, stateVector);
}

export function encodeSyncStep2(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.step2, update);
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  return encodeSync(SyncMessageType.update, update);
}

export function encodeAwareness(awarenessUpdate: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, awarenessUpdate);
  return encoding.toUint8Array(encoder);
}

export function encodeQueryAwareness(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.queryAwareness);
  return encoding.toUint8Array(encoder);
}

export function encodePermissionDenied(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.auth);
  encoding.writeVarUint(encoder, AuthMessageType.permissionDenied);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}

function encodeSync(syncType: number, data: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, data);
  return encoding.toUint8Array(encoder);
}

/** Tandem's saved-state message (see `common/savedState.ts`): an encoded Yjs snapshot of what is on disk. */
export function encodeSavedState(snapshot: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, SAVED_STATE_MESSAGE_TYPE);
  encoding.writeVarUint8Array(encoder, snapshot);
  return encoding.toUint8Array(encoder);
}
