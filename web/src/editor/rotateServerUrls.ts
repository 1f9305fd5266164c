import type { WebsocketProvider } from 'y-websocket';
import type { ServerUrls } from './readServerUrls.js';
import { TransportCloseCode } from '../transport/TransportCloseCode.js';

export interface ServerUrlRotation {
  /** The server the provider is connected to, or, while it is not, the one it tries next. */
  readonly serverUrl: string;
  /** Stops moving the provider on; it stays on the current server. */
  destroy(): void;
}

/**
 * Fails a stock y-websocket provider over between several instances of one
 * Tandem deployment: whenever a connection is lost or fails to open, the
 * provider's next attempt goes to the next URL in `serverUrls` (wrapping
 * around), so the clients of an instance that died carry on elsewhere. The
 * provider keeps its own backoff and sync; the first sync with the new
 * server sends it whatever it lacks.
 *
 * It works because y-websocket builds each new socket's URL from
 * `provider.serverUrl`, and emits `connection-close` before it schedules the
 * reconnect. The provider stays put when this client closed the socket on
 * purpose (`disconnect()`, `destroy()`) and on a permanent close (4400–4499,
 * see `shouldReconnect`): another instance would give the same answer. A
 * local close while the provider still wants to be connected is y-websocket's
 * watchdog giving up on a server that went silent, so that one moves on too.
 * A fallback socket closing to move from HTTP back to a WebSocket
 * (`TransportCloseCode.switchingToWebSocket`) stays put: its server is fine.
 * `serverUrls` come from `readServerUrls` (no trailing slashes), the first
 * being the one the provider was created with.
 *
 * @example
 * const urls = readServerUrls(['wss://a.example.com/ws', 'wss://b.example.com/ws']);
 * const provider = new WebsocketProvider(urls[0], 'meeting-notes', ydoc);
 * const rotation = rotateServerUrls(provider, urls);
 * console.log(rotation.serverUrl); // urls[0], then urls[1] once urls[0] is gone
 * rotation.destroy();
 */
export function rotateServerUrls(provider: WebsocketProvider, serverUrls: ServerUrls): ServerUrlRotation {
  const [first] = serverUrls;
  let index = 0;
  provider.serverUrl = first;

  const onConnectionClose = (event: CloseEvent | null): void => {
    // `null`: this client closed the socket, which only the watchdog does while the provider still wants to be connected.
    const lost = event === null ? provider.shouldConnect : provider.shouldReconnect(event, provider);
    if (!lost || serverUrls.length < 2 || event?.code === TransportCloseCode.switchingToWebSocket) return;
    index = (index + 1) % serverUrls.length;
    provider.serverUrl = serverUrls[index] ?? first;
  };
  provider.on('connection-close', onConnectionClose);

  return {
    get serverUrl() {
      return serverUrls[index] ?? first;
    },
    destroy() {
      provider.off('connection-close', onConnectionClose);
    },
  };
}
