import type { PresenceUser } from '../editor/readPresence.js';
import type { ConnectionClose, ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { SaveStatus } from '../editor/watchSaveStatus.js';
import type { Transport } from '../transport/Transport.js';

/**
 * Why a `<tandem-editor>` shows an error instead of (or next to) the document:
 * - `invalid-attributes`: an attribute is missing or wrong (the message says which); nothing was opened;
 * - `refused`: the server refused the connection for good (access token, origin not in `ALLOWED_ORIGINS`,
 *   deleted document); `close` has the WebSocket close code and reason;
 * - `too-large`: the server refused a change because the document reached its size limit; the text stays readable;
 * - `content`: the document holds content this version cannot represent; syncing stopped so nothing is overwritten;
 * - `mount-failed`: the editor could not be created (`cause` has the error).
 */
export interface TandemErrorDetail {
  code: 'invalid-attributes' | 'refused' | 'too-large' | 'content' | 'mount-failed';
  /** A title and a sentence for people, as shown inside the element. */
  title: string;
  message: string;
  close?: ConnectionClose;
  cause?: unknown;
}

/**
 * The DOM events a `<tandem-editor>` dispatches (they bubble), by name.
 *
 * @example
 * element.addEventListener('tandem-save-status', (event) => console.log(event.detail.saveStatus));
 */
export interface TandemEditorEventMap {
  /**
   * The connection status: once on mount, then on every change. `transport` is how the latest
   * connection travels: `'websocket'`, or the HTTP fallback where WebSockets are blocked
   * (`'http-sse'`, `'http-poll'`); `null` until a connection opened.
   */
  'tandem-status': CustomEvent<{ status: ConnectionStatus; transport: Transport | null }>;
  /** The save status ("saved" only once the server has every change on disk): once on mount, then on every change. */
  'tandem-save-status': CustomEvent<{ saveStatus: SaveStatus }>;
  /** Everyone in the document (this editor first): once on mount, then when someone joins, leaves or renames. */
  'tandem-presence': CustomEvent<{ users: PresenceUser[] }>;
  /** The server closed the connection (`permanent`: the editor gave up; a `tandem-error` follows). */
  'tandem-close': CustomEvent<ConnectionClose>;
  /** Something the page author or the visitor should know went wrong; also shown inside the element. */
  'tandem-error': CustomEvent<TandemErrorDetail>;
}

declare global {
  // So `element.addEventListener('tandem-status', (event) => event.detail.status)` is typed, and
  // `document.addEventListener(…)` too: the events bubble.
  interface GlobalEventHandlersEventMap {
    'tandem-status': TandemEditorEventMap['tandem-status'];
    'tandem-save-status': TandemEditorEventMap['tandem-save-status'];
    'tandem-presence': TandemEditorEventMap['tandem-presence'];
    'tandem-close': TandemEditorEventMap['tandem-close'];
    'tandem-error': TandemEditorEventMap['tandem-error'];
  }
}
