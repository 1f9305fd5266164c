import { crc32 } from 'node:zlib';

/**
 * The framing of the per-document update log. Each record is
 *
 *   u32 LE payload length | u32 LE CRC-32 of the payload | payload
 *
 * so a reader can tell a complete record from one a crash cut short.
 */
export const LOG_RECORD_HEADER_BYTES = 8;
/** Larger lengths can only come from a damaged header. */
export const MAX_LOG_RECORD_BYTES = 1024 ** 3;

/** Frames `payloads` as consecutive records, ready to append in one write. */
export function encodeLogRecords(payloads: readonly Uint8Array[]): Buffer {
  const total = payloads.reduce((sum, payload) => sum + LOG_RECORD_HEADER_BYTES + payload.byteLength, 0);
  const buffer = Buffer.allocUnsafe(total);
  let offset = 0;
  for (const payload of payloads) {
    buffer.writeUInt32LE(payload.byteLength, offset);
    buffer.writeUInt32LE(crc32(payload), offset + 4);
    buffer.set(payload, offset + LOG_RECORD_HEADER_BYTES);
    offset += LOG_RECORD_HEADER_BYTES + payload.byteLength;
  }
  return buffer;
}

export interface DecodedLogRecords {
  records: Uint8Array[];
  /** Offset of the first incomplete or damaged record (a torn write), or `null` when every byte was a good record. */
  tornAt: number | null;
}

/**
 * Reads records up to the first one that is incomplete or fails its checksum.
 * A crash can only damage what was written after the last fsync, which is the
 * end of the file, so everything before that point is intact.
 */
export function decodeLogRecords(bytes: Uint8Array): DecodedLogRecords {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let offset = 0;
  while (offset < view.byteLength) {
    if (view.byteLength - offset < LOG_RECORD_HEADER_BYTES) return { records, tornAt: offset };
    const length = view.readUInt32LE(offset);
    const checksum = view.readUInt32LE(offset + 4);
    const start = offset + LOG_RECORD_HEADER_BYTES;
    // A file can grow before its data reaches the disk, leaving zeros after a crash; zero bytes would
    // read as empty records with a valid checksum, and no real record is empty.
    if (length === 0 || length > MAX_LOG_RECORD_BYTES || start + length > view.byteLength) return { records, tornAt: offset };
    const payload = view.subarray(start, start + length);
    if (crc32(payload) !== checksum) return { records, tornAt: offset };
    records.push(new Uint8Array(payload));
    offset = start + length;
  }
  return { records, tornAt: null };
}
