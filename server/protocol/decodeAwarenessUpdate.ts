import * as decoding from 'lib0/decoding';
import { ProtocolError } from './ProtocolError.js';

/** One client's entry in an awareness update. `state: null` means the client left. */
export interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: unknown;
}

/**
 * Decodes and checks a y-protocols awareness update before anything of it is
 * applied (y-protocols itself applies entries one by one and would keep the
 * ones before a bad entry):
 *
 *   update = varUint(count) { varUint(clientId) varUint(clock) varString(JSON state) }*count
 *
 * Throws `ProtocolError` for truncation, trailing bytes, invalid JSON or more
 * than `maxEntries` entries.
 */
export function decodeAwarenessUpdate(update: Uint8Array, maxEntries: number): AwarenessEntry[] {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  try {
    const count = decoding.readVarUint(decoder);
    if (count > maxEntries) throw new ProtocolError(`awareness update lists ${count} clients; at most ${maxEntries} per connection`);
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
