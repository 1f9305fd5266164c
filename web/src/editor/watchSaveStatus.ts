import * as decoding from 'lib0/decoding';
import type { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SAVED_STATE_MESSAGE_TYPE } from '../../../common/savedState.js';
import { deleteSetCovers, type DeleteSet } from './deleteSetCovers.js';
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
 * (the provider must connect with `?saved=1`, see `common/savedState.ts`):
 * "Saved" needs the server's on-disk state vector to cover this document's
 * and its on-disk delete set to cover every deletion made here. It is never
 * shown on the strength of a send alone.
 */
export function watchSaveStatus(options: {
  provider: WebsocketProvider;
  doc: Y.Doc;
  connection: () => ConnectionStatus;
  onSaveStatus?: (status: SaveStatus) => void;
}): SaveStatusWatcher {
  const { provider, doc } = options;
  let saved: Y.Snapshot | null = null;
  /** Deletions made here (or restored from this browser) that the server has not confirmed on disk yet. */
  let unconfirmedDeletions: DeleteSet[] = [];
  let serverHasEverything = false;
  let current = compute();

  function compute(): SaveStatus {
    serverHasEverything =
      saved !== null && unconfirmedDeletions.length === 0 && isStateSaved(Y.decodeStateVector(Y.encodeStateVector(doc)), saved.sv);
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
    const snapshot = Y.decodeSnapshot(decoding.readVarUint8Array(decoder));
    saved = snapshot;
    unconfirmedDeletions = unconfirmedDeletions.filter((deletions) => !deleteSetCovers(snapshot.ds, deletions));
    refresh();
  };
  const onUpdate = (_update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    // Deletions that came from the server are on the server already.
    if (origin !== provider && transaction.deleteSet.clients.size > 0) unconfirmedDeletions.push(transaction.deleteSet);
    refresh();
  };
  doc.on('update', onUpdate);
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
      doc.off('update', onUpdate);
      delete provider.messageHandlers[SAVED_STATE_MESSAGE_TYPE];
    },
  };
}
