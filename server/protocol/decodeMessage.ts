import * as decoding from 'lib0/decoding';
import { AuthMessageType, MessageType, SyncMessageType, type ClientMessage } from './messageTypes.js';
import { ProtocolError } from './ProtocolError.js';

/**
 * Decodes one client frame. Throws `ProtocolError` for an unknown type, a
 * truncated frame or trailing bytes; the payload bytes (updates, state
 * vectors) are returned as views into `frame`, not yet validated as Yjs data.
 */
export function decodeMessage(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  let message: ClientMessage;
  try {
    message = readMessage(decoder);
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError(`truncated or malformed message (${frame.byteLength} bytes)`, { cause: error });
  }
  if (decoding.hasContent(decoder)) {
    throw new ProtocolError(`message has ${frame.byteLength - decoder.pos} unexpected trailing bytes`);
  }
  return message;
}

function readMessage(decoder: decoding.Decoder): ClientMessage {
  if (!decoding.hasContent(decoder)) throw new ProtocolError('empty message');
  const messageType = decoding.readVarUint(decoder);
  switch (messageType) {
    case MessageType.sync:
      return readSyncMessage(decoder);
    case MessageType.awareness:
      return { type: 'awareness', update: readBytes(decoder) };
    case MessageType.queryAwareness:
      return { type: 'query-awareness' };
    case MessageType.auth: {
      const authType = decoding.readVarUint(decoder);
      if (authType !== AuthMessageType.permissionDenied) throw new ProtocolError(`unknown auth message type ${authType}`);
      return { type: 'auth', reason: decoding.readVarString(decoder) };
    }
    default:
      throw new ProtocolError(`unknown message type ${messageType}`);
  }
}

function readSyncMessage(decoder: decoding.Decoder): ClientMessage {
  const syncType = decoding.readVarUint(decoder);
  switch (syncType) {
    case SyncMessageType.step1:
      return { type: 'sync-step1', stateVector: readBytes(decoder) };
    case SyncMessageType.step2:
      return { type: 'sync-step2', update: readBytes(decoder) };
    case SyncMessageType.update:
      return { type: 'sync-update', update: readBytes(decoder) };
    default:
      throw new ProtocolError(`unknown sync message type ${syncType}`);
  }
}

/** lib0's readVarUint8Array does not check the length against the frame; a short frame must not yield a short array. */
function readBytes(decoder: decoding.Decoder): Uint8Array {
  const length = decoding.readVarUint(decoder);
  const available = decoder.arr.byteLength - decoder.pos;
  if (length > available) throw new ProtocolError(`byte array claims ${length} bytes but only ${available} remain`);
  return decoding.readUint8Array(decoder, length);
}
