import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { watchConnectionStatus, type ConnectionClose } from '../../web/src/editor/watchConnectionStatus.js';

const providers: WebsocketProvider[] = [];
afterEach(() => {
  for (const provider of providers.splice(0)) provider.destroy();
});

/** A window that is online and never says otherwise. */
const onlineWindow = { navigator: { onLine: true }, addEventListener: () => undefined, removeEventListener: () => undefined } as unknown as Window;

describe('watchConnectionStatus closes', () => {
  it('reports the server’s closes, but not the HTTP fallback making way for a WebSocket (3000)', () => {
    const provider = new WebsocketProvider('ws://127.0.0.1:1/ws', 'notes', new Y.Doc(), { connect: false, disableBc: true, WebSocketPolyfill: NodeWebSocket as unknown as typeof WebSocket });
    providers.push(provider);
    const closes: ConnectionClose[] = [];
    const watcher = watchConnectionStatus(provider, { target: onlineWindow, onClose: (close) => closes.push(close) });
    const emitClose = (code: number) => provider.emit('connection-close', [{ code, reason: `closed with ${code}` } as CloseEvent, provider]);
    emitClose(3000);
    emitClose(1006);
    emitClose(4403);
    expect(closes).toEqual([
      { code: 1006, reason: 'closed with 1006', permanent: false },
      { code: 4403, reason: 'closed with 4403', permanent: true },
    ]);
    watcher.destroy();
  });
});
