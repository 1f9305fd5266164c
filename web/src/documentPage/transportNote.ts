import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { Transport } from '../transport/Transport.js';

/** What the status indicator adds while the connection runs over the HTTP fallback. */
export interface TransportNote {
  /** Words after the status, e.g. "Saved · HTTP fallback". */
  detail: string;
  /** A sentence for the tooltip, after the status's own. */
  description: string;
}

/**
 * The note for a connection over the HTTP fallback (WebSockets are blocked on the way to the
 * server), or `null` when there is nothing to add: a WebSocket, or no connection right now.
 *
 * @example
 * transportNote('connected', 'http-sse')?.detail; // ' · HTTP fallback'
 */
export function transportNote(connection: ConnectionStatus, transport: Transport | null): TransportNote | null {
  if (connection !== 'connected' || transport === null || transport === 'websocket') return null;
  return {
    detail: ' · HTTP fallback',
    description:
      'WebSockets are blocked on the way to the server (by a proxy or firewall), so the connection runs over plain HTTP: changes may take a moment longer to arrive. It moves back to a WebSocket once one gets through.',
  };
}
