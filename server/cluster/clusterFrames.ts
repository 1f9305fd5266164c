import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

/**
 * What server instances say to each other about one document, on that document's Redis
 * channel. Every frame names its sender, so an instance can skip its own.
 *
 * - `update`: a Yjs update one of the sender's peers (or its API) made.
 * - `awareness`: a y-protocols awareness update from the sender's peers.
 * - `hello`: the sender just (re)subscribed; its state vector asks the others for what it lacks.
 * - `welcome`: the answer to a `hello`, for `to` only: the update it lacks, the answerer's own
 *   state vector (so `to` can send back what the answerer lacks) and the answerer's peers' presence.
 * - `deleted`: the document was deleted; the others close its peers and drop it unsaved.
 */
export type ClusterFrame =
  | { kind: 'update'; from: string; update: Uint8Array }
  | { kind: 'awareness'; from: string; update: Uint8Array }
  | { kind: 'hello'; from: string; stateVector: Uint8Array }
  | { kind: 'welcome'; from: string; to: string; update: Uint8Array; stateVector: Uint8Array; awareness: Uint8Array }
  | { kind: 'deleted'; from: string };

/** Bumped when the layout changes: an instance ignores frames of another version (during a rolling upgrade). */
const FRAME_VERSION = 1;
const KINDS = ['update', 'awareness', 'hello', 'welcome', 'deleted'] as const;

export function encodeClusterFrame(frame: ClusterFrame): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, FRAME_VERSION);
  encoding.writeVarUint(encoder, KINDS.indexOf(frame.kind));
  encoding.writeVarString(encoder, frame.from);
  switch (frame.kind) {
    case 'update':
    case 'awareness':
      encoding.writeVarUint8Array(encoder, frame.update);
      break;
    case 'hello':
      encoding.writeVarUint8Array(encoder, frame.stateVector);
      break;
    case 'welcome':
      encoding.writeVarString(encoder, frame.to);
      encoding.writeVarUint8Array(encoder, frame.update);
      encoding.writeVarUint8Array(encoder, frame.stateVector);
      encoding.writeVarUint8Array(encoder, frame.awareness);
      break;
    case 'deleted':
      break;
  }
  return encoding.toUint8Array(encoder);
}

/** Decodes a frame; `null` for a frame of another version. Throws on a malformed frame. */
export function decodeClusterFrame(bytes: Uint8Array): ClusterFrame | null {
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarUint(decoder) !== FRAME_VERSION) return null;
  const kind = KINDS[decoding.readVarUint(decoder)];
  const from = decoding.readVarString(decoder);
  let frame: ClusterFrame;
  switch (kind) {
    case 'update':
    case 'awareness':
      frame = { kind, from, update: decoding.readVarUint8Array(decoder) };
      break;
    case 'hello':
      frame = { kind, from, stateVector: readStateVector(decoder) };
      break;
    case 'welcome':
      frame = {
        kind,
        from,
        to: decoding.readVarString(decoder),
        update: decoding.readVarUint8Array(decoder),
        stateVector: readStateVector(decoder),
        awareness: decoding.readVarUint8Array(decoder),
      };
      break;
    case 'deleted':
      frame = { kind, from };
      break;
    default:
      throw new Error('unknown cluster frame kind');
  }
  if (decoding.hasContent(decoder)) throw new Error(`trailing bytes after a ${kind} frame`);
  return frame;
}

/** A state vector, checked now: answering a `hello` encodes against it, and a broken one would throw there. */
function readStateVector(decoder: decoding.Decoder): Uint8Array {
  const stateVector = decoding.readVarUint8Array(decoder);
  Y.decodeStateVector(stateVector);
  return stateVector;
}
