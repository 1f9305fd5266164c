import type { WebsocketProvider } from 'y-websocket';
import { TransportCloseCode } from '../transport/TransportCloseCode.js';

/**
 * Where the editor stands with the server:
 * - `connecting`: not synced with the server yet since the editor opened;
 * - `connected`: the socket is open and the document is in sync;
 * - `reconnecting`: it was connected and lost the connection; edits are kept and sent on reconnect;
 * - `offline`: the browser is offline, or the server refused the document for good (see `ConnectionClose`).
 */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** A connection the server closed, with its WebSocket close code and reason. */
export interface ConnectionClose {
  code: number;
  reason: string;
  /** `true` when the client stopped retrying (codes 4400–4499, e.g. a bad document name). */
  permanent: boolean;
}

export interface ConnectionStatusWatcher {
  /** The current status. */
  readonly status: ConnectionStatus;
  /** Removes every listener this watcher added. */
  destroy(): void;
}

export interface WatchConnectionStatusOptions {
  /** Called with the initial status and on every change (never twice in a row with the same value). */
  onStatus?: (status: ConnectionStatus) => void;
  /** Called every time the server (or the network) closes the connection; not when the HTTP fallback makes way for a WebSocket. */
  onClose?: (close: ConnectionClose) => void;
  /** Source of `online`/`offline` events and `navigator.onLine`. Default: `window`. */
  target?: Window;
}

/**
 * Folds y-websocket's `status`, `sync` and `connection-close` events and the
 * browser's online state into one `ConnectionStatus`.
 *
 * @example
 * const watcher = watchConnectionStatus(provider, { onStatus: (s) => (pill.dataset.status = s) });
 * // later
 * watcher.destroy();
 */
export function watchConnectionStatus(
  provider: WebsocketProvider,
  options: WatchConnectionStatusOptions = {},
): ConnectionStatusWatcher {
  const target = options.target ?? window;
  let everSynced = provider.synced;
  let closedForGood = false;
  let current = compute();

  function compute(): ConnectionStatus {
    if (closedForGood || !target.navigator.onLine) return 'offline';
    if (provider.wsconnected && provider.synced) return 'connected';
    return everSynced ? 'reconnecting' : 'connecting';
  }

  function update(): void {
    const next = compute();
    if (next === current) return;
    current = next;
    options.onStatus?.(next);
  }

  const onProviderStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }): void => {
    // A deliberate `provider.connect()` after a permanent close starts over.
    if (status === 'connecting') closedForGood = false;
    update();
  };
  const onSync = (synced: boolean): void => {
    if (synced) everSynced = true;
    update();
  };
  const onConnectionClose = (event: CloseEvent | null): void => {
    // `null` means this client closed the socket itself (disconnect, watchdog): not news. Nor is
    // the HTTP fallback making way for a WebSocket.
    if (event === null || event.code === TransportCloseCode.switchingToWebSocket) return;
    const permanent = !provider.shouldReconnect(event, provider);
    if (permanent) closedForGood = true;
    options.onClose?.({ code: event.code, reason: event.reason, permanent });
    update();
  };

  provider.on('status', onProviderStatus);
  provider.on('sync', onSync);
  provider.on('connection-close', onConnectionClose);
  target.addEventListener('online', update);
  target.addEventListener('offline', update);
  options.onStatus?.(current);

  return {
    get status() {
      return current;
    },
    destroy() {
      provider.off('status', onProviderStatus);
      provider.off('sync', onSync);
      provider.off('connection-close', onConnectionClose);
      target.removeEventListener('online', update);
      target.removeEventListener('offline', update);
    },
  };
}
