import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { ProtocolError } from './ProtocolError.js';

/** One client's entry in an awareness update. `state: null` means the client left. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

/**
 * The payload of a y-protocols awareness message:
 *
 *   update = varUint(count) { varUint(clientId) varUint(clock) varString(JSON state) }*count
 *
 * Decoding it ourselves lets the server check every entry before y-protocols
 * applies any (it applies entries one by one and keeps those before a bad one).
 * Throws `ProtocolError` for truncation, trailing bytes, invalid JSON or more
 * than `maxEntries` entries.
 */
export function decodeAwarenessEntries(update: Uint8Array, maxEntries: number): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    if (count > maxEntries) throw new ProtocolError(`awareness update lists ${count} clients; at most ${maxEntries}`);
    for (let index = 0; index < count; index += 1) {
      const clientId = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const json = decoding.readVarString(decoder);
      let state: unknown;
      try {
        state = JSON.parse(json);
      } catch (error) {
        throw new ProtocolError(`awareness state of client ${clientId} is not JSON`, { cause: error });
      }
      entries.push({ clientId, clock, state });
    }
  } catch (error) {
    if (error instanceof ProtocolError) throw error;
    throw new ProtocolError('truncated or malformed awareness update', { cause: error });
  }
  if (decoding.hasContent(decoder)) throw new ProtocolError('awareness update has unexpected trailing bytes');
  return entries;
}

/** The inverse of `decodeAwarenessEntries`. */
export function encodeAwarenessEntries(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const { clientId, clock, state } of entries) {
    encoding.writeVarUint(encoder, clientId);
    encoding.writeVarUint(encoder, clock);
    encoding.writeVarString(encoder, JSON.stringify(state));
  }
  return encoding.toUint8Array(encoder);
}
