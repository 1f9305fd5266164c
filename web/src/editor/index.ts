/**
 * `tandem/editor`: the embeddable collaborative editor.
 *
 * @example
 * import { createCollabEditor } from 'tandem/editor';
 * import 'tandem/editor/style.css';
 *
 * const collab = createCollabEditor({
 *   element: document.querySelector('#editor')!,
 *   serverUrl: 'wss://docs.example.com/ws',
 *   documentName: 'meeting-notes',
 *   user: { name: 'Ada', color: '#1565c0' },
 * });
 *
 * // Several instances of one deployment: when the connection to one is lost, the editor moves on to the next.
 * const failover = createCollabEditor({
 *   element: document.querySelector('#notes')!,
 *   serverUrl: ['wss://a.docs.example.com/ws', 'wss://b.docs.example.com/ws'],
 *   documentName: 'meeting-notes',
 *   user: { name: 'Ada', color: '#1565c0' },
 * });
 * failover.serverUrl; // 'wss://a.docs.example.com/ws', or b's once a is gone
 *
 * // Behind a proxy that blocks WebSockets the editor connects over HTTP by itself, and says so:
 * collab.transport; // 'websocket', or 'http-sse' / 'http-poll' on the HTTP fallback
 *
 * // Your own y-websocket provider, with the same fallback:
 * new WebsocketProvider('wss://docs.example.com/ws', 'meeting-notes', ydoc, {
 *   WebSocketPolyfill: createFallbackWebSocket() as unknown as typeof WebSocket,
 * });
 */
export { createCollabEditor, type CollabEditor, type CollabEditorOptions } from './createCollabEditor.js';
export type { CollabUser } from './CollabUser.js';
export type { PresenceUser } from './readPresence.js';
export type { ConnectionClose, ConnectionStatus } from './watchConnectionStatus.js';
export type { SaveStatus } from './watchSaveStatus.js';
export type { Transport } from '../transport/Transport.js';
export { createFallbackWebSocket, type FallbackWebSocketOptions } from '../transport/createFallbackWebSocket.js';
export { documentExtensions } from '../../../common/content/documentExtensions.js';
