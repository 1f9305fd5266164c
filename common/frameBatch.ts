import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Several y-websocket frames in one HTTP body, as the HTTP fallback carries them (POSTed by the
 * client, long-polled from the server): each frame is a lib0 varUint length and then its bytes.
 *
 * @example decodeFrameBatch(encodeFrameBatch([a, b])) // [a, b]
 */
export function encodeFrameBatch(frames: readonly Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder();
  for (const frame of frames) encoding.writeVarUint8Array(encoder, frame);
  return encoding.toUint8Array(encoder);
}

/** The frames of a batch, as views into `body`. Throws a `RangeError` on a truncated batch or a frame over `maxFrameBytes`. */
export function decodeFrameBatch(body: Uint8Array, maxFrameBytes = Number.POSITIVE_INFINITY): Uint8Array[] {
  const decoder = decoding.createDecoder(body);
  const frames: Uint8Array[] = [];
  while (decoding.hasContent(decoder)) {
    let length: number;
    try {
      length = decoding.readVarUint(decoder);
    } catch {
      throw new RangeError('truncated frame length');
    }
    if (length > maxFrameBytes) throw new RangeError(`a frame of ${length} bytes; at most ${maxFrameBytes}`);
    if (decoder.pos + length > body.byteLength) throw new RangeError('truncated frame');
    frames.push(decoding.readUint8Array(decoder, length));
  }
  return frames;
}
