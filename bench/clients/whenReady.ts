import { waitFor } from '../../tests/support/waitFor.js';
import type { ServerUnderTest } from '../servers/ServerUnderTest.js';
import type { RawSyncClient } from './RawSyncClient.js';

/**
 * Resolves once `client` takes part in its room: synced with a server that
 * holds the document, merely connected to the bare relay (which has nothing
 * to sync and relays to every open socket).
 */
export async function whenReady(client: RawSyncClient, server: ServerUnderTest, timeoutMs = 30_000): Promise<void> {
  await client.opened;
  if (!server.holdsState) return;
  await waitFor(() => client.receivedSyncStep2, {
    description: `sync step 2 from ${server.name}`,
    timeoutMs,
    subscribe: (onChange) => client.onSyncStep2(onChange),
  });
}
