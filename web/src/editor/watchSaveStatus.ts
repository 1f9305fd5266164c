import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SAVED_STATE_MESSAGE_TYPE } from '../../../common/savedState.js';
import { isStateSaved } from './isStateSaved.js';
import type { ConnectionStatus } from './watchConnectionStatus.js';

/**
 * How safe your changes are:
 * - `saved`: every change in this document is on the server's disk;
 * - `saving`: some are on their way (sent, not yet fsynced);
 * - `offline`: not connected; changes are kept on this device and sent when the connection is back.
 */
export type SaveStatus = 'saved' | 'saving' | 'offline';

export interface SaveStatusWatcher {
  readonly status: SaveStatus;
  /** True once the server has acknowledged everything this document holds. */
  readonly serverHasEverything: boolean;
  /** Call when the connection status changes. */
  refresh(): void;
  destroy(): void;
}

/**
 * Derives an honest save status from the server's saved-state messages
 * (the provider must connect with `?saved=1`, see `common/savedState.ts`).
 * "Saved" is never shown on the strength of a send alone.
 */
export function watchSaveStatus(options: {
  provider: WebsocketProvider;
  doc: Y.Doc;
  connection: () => ConnectionStatus;
  onSaveStatus?: (status: SaveStatus) => void;
}): SaveStatusWatcher {
  const { provider, doc } = options;
  let savedStateVector: Map<number, number> | null = null;
  let serverHasEverything = false;
  let current = compute();

  function compute(): SaveStatus {
    serverHasEverything = savedStateVector !== null && isStateSaved(Y.decodeStateVector(Y.encodeStateVector(doc)), savedStateVector);
    if (options.connection() !== 'connected') return 'offline';
    return serverHasEverything ? 'saved' : 'saving';
  }

  function refresh(): void {
    const next = compute();
    if (next === current) return;
    current = next;
    options.onSaveStatus?.(next);
  }

  provider.messageHandlers[SAVED_STATE_MESSAGE_TYPE] = (_encoder, decoder) => {
    savedStateVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
    refresh();
  };
  doc.on('update', refresh);
  options.onSaveStatus?.(current);

  return {
    get status() {
      return current;
    },
    get serverHasEverything() {
      return serverHasEverything;
    },
    refresh,
    destroy() {
      doc.off('update', refresh);
      delete provider.messageHandlers[SAVED_STATE_MESSAGE_TYPE];
    },
  };
}
