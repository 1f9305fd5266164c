import { Editor, type AnyExtension, type JSONContent } from '@tiptap/core';
import { Collaboration } from '@tiptap/extension-collaboration';
import { CollaborationCaret } from '@tiptap/extension-collaboration-caret';
import { CharacterCount, Placeholder } from '@tiptap/extensions';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { checkDocumentName } from '../../../common/documentName.js';
import { SAVED_STATE_QUERY_PARAMETER } from '../../../common/savedState.js';
import { ACCESS_TOKEN_QUERY_PARAMETER } from '../../../common/accessToken.js';
import { CloseCode } from '../../../common/closeCodes.js';
import { createContentCodec, type ContentCodec } from '../../../common/content/createContentCodec.js';
import { documentExtensions } from '../../../common/content/documentExtensions.js';
import { localCopyName } from './localCopyName.js';
import { OpenLinksOnModClick } from './OpenLinksOnModClick.js';
import { persistLocally, type LocalCopy } from './persistLocally.js';
import type { CollabUser } from './CollabUser.js';
import { readCollabUser } from './readCollabUser.js';
import { readPresence, type PresenceUser } from './readPresence.js';
import { readServerUrls } from './readServerUrls.js';
import { renderCaret } from './renderCaret.js';
import { renderSelection } from './renderSelection.js';
import { rotateServerUrls } from './rotateServerUrls.js';
import { updateCarets } from './updateCarets.js';
import { watchConnectionStatus, type ConnectionClose, type ConnectionStatus } from './watchConnectionStatus.js';
import { watchSaveStatus, type SaveStatus } from './watchSaveStatus.js';
import { createFallbackWebSocket } from '../transport/createFallbackWebSocket.js';
import type { Transport } from '../transport/Transport.js';

export interface CollabEditorOptions {
  /** The editor (`.ProseMirror`) is appended to this element. */
  element: HTMLElement;
  /**
   * WebSocket endpoint, e.g. `wss://docs.example.com/ws`; the document name is appended as a path segment.
   * Or several instances of one deployment (`['wss://a.example.com/ws', 'wss://b.example.com/ws']`):
   * the editor connects to the first, and whenever a connection is lost or cannot be opened it tries the
   * next (then the first again), carrying your changes over. Every URL must be ws:// or wss://.
   */
  serverUrl: string | readonly string[];
  /** Which document to open; must pass `checkDocumentName`. */
  documentName: string;
  /** Who you are to the others: the name and colour on your caret and avatar. */
  user: CollabUser;
  /**
   * Access token for a server that requires one (`AUTH_SECRET`), sent as the `token` query
   * parameter of the WebSocket. Default: none. A server that refuses it closes with 4401/4403 (see `onClose`).
   */
  token?: string;
  /**
   * Whether you can change the document. Default `true`. With `false` (a read-only access link) the
   * editor shows every change live and your caret to the others, but typing, pasting and formatting
   * do nothing; the server drops a read-only peer's changes anyway.
   */
  editable?: boolean;
  /** Grey text shown while the document is empty, e.g. `'Start writing…'`. Default: none. */
  placeholder?: string;
  /**
   * More TipTap extensions, added after Tandem's own (see `documentExtensions`). They must not add
   * node or mark types: every editor of a document must share one schema, or content one of them
   * cannot represent stops syncing (`onContentError`). Behaviour (keyboard shortcuts, input rules,
   * decorations) is fine.
   */
  extensions?: AnyExtension[];
  /** Connection status: called once right away, then on every change. */
  onStatus?: (status: ConnectionStatus) => void;
  /**
   * Where a proxy or firewall blocks WebSockets (refuses them, or lets them open but carries
   * nothing), connect over the server's HTTP fallback instead, and move back to a WebSocket once
   * one works (see `transport`). Default `true`. Turn off for a server without the fallback (a stock
   * y-websocket server); it is also off for a `serverUrl` that does not end in `/ws`.
   */
  httpFallback?: boolean;
  /**
   * How the connection travels (see `CollabEditor.transport`): called when a connection opens over
   * another transport than the one before, so once for the first connection.
   */
  onTransport?: (transport: Transport) => void;
  /** Save status ("Saved" only once the server has every change on disk): called once right away, then on every change. */
  onSaveStatus?: (status: SaveStatus) => void;
  /** Whether some change is neither on the server's disk nor stored in this browser: called on every change of that answer. */
  onUnprotectedChanges?: (has: boolean) => void;
  /**
   * Keep a copy of the document in this browser's IndexedDB, so offline edits survive a reload.
   * Default `true`; turn off on shared computers.
   */
  offlineStorage?: boolean;
  /** Everyone in the document (you first): called once right away, then whenever someone joins, leaves or renames. */
  onPresence?: (users: PresenceUser[]) => void;
  /**
   * The server closed the connection; `permanent` means the editor gave up (e.g. 4400, a bad document name).
   * On 4404 the document was deleted: the editor becomes read-only and deletes this browser's copy, so a
   * later visit does not bring the deleted text back.
   */
  onClose?: (close: ConnectionClose) => void;
  /**
   * The document holds content this editor cannot represent (e.g. written by a newer version).
   * Syncing stops and the editor becomes read-only so the content is not overwritten.
   */
  onContentError?: (error: Error) => void;
}

/** A running collaborative editor; `destroy()` releases all of it. */
export interface CollabEditor {
  /** The TipTap editor, for commands (`editor.chain().focus().toggleBold().run()`) and state. */
  readonly editor: Editor;
  /** The y-websocket provider that syncs `ydoc` and awareness with the server. */
  readonly provider: WebsocketProvider;
  /**
   * The server in use: the `serverUrl` entry connected to now or, while reconnecting, the one tried
   * next (without trailing slashes). With a single `serverUrl` it never changes.
   */
  readonly serverUrl: string;
  /** The shared document. */
  readonly ydoc: Y.Doc;
  /** The current connection status. */
  readonly status: ConnectionStatus;
  /**
   * How the latest connection travels: `'websocket'`, or where WebSockets are blocked the HTTP
   * fallback (`'http-sse'`, or `'http-poll'` where a proxy also buffers event streams). `null`
   * until the first connection opens.
   */
  readonly transport: Transport | null;
  /** The current save status. */
  readonly saveStatus: SaveStatus;
  /**
   * True while some change is neither on the server's disk nor in this browser's storage:
   * closing the page now would lose it (the document page warns on `beforeunload`).
   */
  readonly hasUnprotectedChanges: boolean;
  /** The number of words in the document now. */
  readonly wordCount: number;
  /** The document as TipTap JSON (the format the HTTP API and `extensions` speak). */
  getJSON(): JSONContent;
  /** The document as HTML. */
  getHTML(): string;
  /** The document as Markdown (GFM, with `==highlight==`); underline has no Markdown form and is dropped. */
  getMarkdown(): string;
  /** Moves the keyboard focus into the document, at the start, the end, or where the caret was (default). */
  focus(position?: 'start' | 'end'): void;
  /** Changes your name and colour; the others see the new caret and avatar at once. */
  setUser(user: CollabUser): void;
  /**
   * Closes the connection (telling the others you left) and releases everything the editor holds:
   * the socket, presence, DOM and window listeners, timers and the document. Safe to call twice.
   */
  destroy(): void;
  /**
   * `destroy()`, and deletes this browser's copy of the document, with any change the server
   * does not have. For a change the server refused for good (4413, the document reached its size
   * limit): kept, it would be offered again, and refused again, on every visit. Does nothing after `destroy()`.
   */
  discardLocalChanges(): Promise<void>;
}

/**
 * Mounts a TipTap editor bound to one shared document on a Tandem server,
 * with remote carets, presence and connection status. Where a proxy or
 * firewall blocks WebSockets it connects over the server's HTTP fallback by
 * itself (see `httpFallback`, `transport`). With `editable: false`
 * it is a live, read-only view: remote changes and carets still appear, and
 * your own caret is still shown to the others.
 *
 * @example
 * const collab = createCollabEditor({
 *   element: document.querySelector('#editor')!,
 *   serverUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
 *   documentName: 'meeting-notes',
 *   user: { name: 'Ada', color: '#1565c0' },
 *   onStatus: (status) => console.log(status),
 *   // 'websocket', or 'http-sse' / 'http-poll' behind a proxy that blocks WebSockets.
 *   onTransport: (transport) => console.log(transport),
 * });
 * // A read-only viewer on a server that requires access tokens:
 * createCollabEditor({ element, serverUrl, documentName: 'meeting-notes', user, token: 'eyJ…', editable: false });
 * // Two instances of one deployment: if the first goes away, the editor carries on with the second.
 * createCollabEditor({ element, serverUrl: ['wss://a.example.com/ws', 'wss://b.example.com/ws'], documentName: 'meeting-notes', user });
 * collab.editor.chain().focus().toggleBold().run();
 * collab.destroy();
 */
export function createCollabEditor(options: CollabEditorOptions): CollabEditor {
  const check = checkDocumentName(options.documentName);
  if (!check.ok) throw new RangeError(check.reason);
  const initialUser = requireUser(options.user);
  const serverUrls = readServerUrls(options.serverUrl);
  const [firstServerUrl] = serverUrls;

  const ydoc = new Y.Doc();
  // Loaded before connecting, so what this browser kept is offered to the server in the first sync.
  let protection: { refresh(): void } | null = null;
  const localCopy: LocalCopy | null =
    options.offlineStorage === false
      ? null
      : // Named after the first server whichever is in use, so every instance shares one copy.
        persistLocally(ydoc, localCopyName(new URL(firstServerUrl).host, options.documentName), () => protection?.refresh());
  const awareness = new Awareness(ydoc);
  let transport: Transport | null = null;
  const setTransport = (next: Transport): void => {
    if (next === transport) return;
    transport = next;
    options.onTransport?.(next);
  };
  const httpFallback = options.httpFallback ?? true;
  const provider = new WebsocketProvider(firstServerUrl, options.documentName, ydoc, {
    awareness,
    // y-websocket's sync and awareness run unchanged over either transport.
    ...(httpFallback ? { WebSocketPolyfill: createFallbackWebSocket({ onTransport: setTransport }) as unknown as typeof WebSocket } : {}),
    params: {
      // Ask the server to say which changes are on its disk (a Tandem extension stock servers ignore).
      [SAVED_STATE_QUERY_PARAMETER]: '1',
      ...(options.token ? { [ACCESS_TOKEN_QUERY_PARAMETER]: options.token } : {}),
    },
  });
  const onProviderStatus = ({ status }: { status: string }): void => {
    if (status === 'connected') setTransport('websocket');
  };
  // Without the fallback every connection is a WebSocket.
  if (!httpFallback) provider.on('status', onProviderStatus);
  let saveWatcher: { refresh(): void } | null = null;
  const statusWatcher = watchConnectionStatus(provider, {
    onStatus: (status) => {
      options.onStatus?.(status);
      saveWatcher?.refresh();
    },
    onClose: (close) => {
      if (close.code === CloseCode.documentDeleted) forgetDeletedDocument();
      options.onClose?.(close);
    },
  });
  // Listens after the status watcher, so `onClose` still sees the server that closed.
  const rotation = rotateServerUrls(provider, serverUrls);
  const saveStatusWatcher = watchSaveStatus({
    provider,
    doc: ydoc,
    connection: () => statusWatcher.status,
    onSaveStatus: (status) => {
      options.onSaveStatus?.(status);
      protection?.refresh();
    },
  });
  saveWatcher = saveStatusWatcher;
  const hasUnprotectedChanges = () => !saveStatusWatcher.serverHasEverything && (localCopy === null || localCopy.pending);
  let lastUnprotected = hasUnprotectedChanges();
  protection = {
    refresh() {
      const now = hasUnprotectedChanges();
      if (now === lastUnprotected) return;
      lastUnprotected = now;
      options.onUnprotectedChanges?.(now);
    },
  };
  // A change can be unprotected before any status changes (offline without local storage).
  ydoc.on('update', protection.refresh);
  options.onUnprotectedChanges?.(lastUnprotected);

  // The client id travels with the user so renderCaret can tag each caret
  // element and a rename can repaint it (see updateCarets).
  const toAwarenessUser = (user: CollabUser) => ({ ...user, clientId: awareness.clientID });

  let lastPresence = '';
  const onAwarenessChange = ({ updated }: { added: number[]; updated: number[]; removed: number[] }): void => {
    for (const clientId of updated) {
      if (clientId === awareness.clientID) continue;
      const user = readCollabUser(awareness.getStates().get(clientId)?.['user']);
      if (user) updateCarets(editor.view.dom, clientId, user);
    }
    emitPresence();
  };
  // Cursor moves change awareness too; only tell the page when the list itself changed.
  function emitPresence(): void {
    const users = readPresence(awareness);
    const key = JSON.stringify(users);
    if (key === lastPresence) return;
    lastPresence = key;
    options.onPresence?.(users);
  }

  const editable = options.editable ?? true;
  let editor: Editor;
  try {
    editor = new Editor({
      element: options.element,
      editable,
      extensions: [
        ...documentExtensions(),
        // Its undo manager tracks only this editor's changes: undo never reverts someone else's typing.
        Collaboration.configure({ document: ydoc }),
        CollaborationCaret.configure({
          provider,
          user: toAwarenessUser(initialUser),
          render: renderCaret,
          selectionRender: renderSelection,
        }),
        CharacterCount,
        OpenLinksOnModClick,
        ...(options.placeholder ? [Placeholder.configure({ placeholder: options.placeholder })] : []),
        ...(options.extensions ?? []),
      ],
      enableContentCheck: true,
      onContentError: ({ editor: failed, error, disableCollaboration }) => {
        // Syncing an edit of content we could not parse would delete it for everyone.
        disableCollaboration();
        provider.disconnect();
        failed.setEditable(false);
        options.onContentError?.(error);
      },
      editorProps: {
        attributes: editable
          ? { 'aria-label': `Document ${options.documentName}`, spellcheck: 'true' }
          : // Focusable although not editable: your caret (shown to the others) follows where you click, and
            // keyboard users can reach and select the text. aria-readonly says why typing does nothing.
            { 'aria-label': `Document ${options.documentName} (read only)`, 'aria-readonly': 'true', tabindex: '0' },
      },
    });
  } catch (error) {
    // A bad option or extension: release what is already running (the socket would reconnect forever).
    provider.off('status', onProviderStatus);
    statusWatcher.destroy();
    rotation.destroy();
    saveStatusWatcher.destroy();
    ydoc.off('update', protection.refresh);
    localCopy?.destroy().catch((closeError: unknown) => console.warn('Tandem: closing the local copy failed', closeError));
    provider.destroy();
    awareness.destroy();
    ydoc.destroy();
    throw error;
  }

  awareness.on('change', onAwarenessChange);
  emitPresence();

  let deleted = false;
  /** Kept, this browser's copy would bring the deleted text back on the next visit. */
  function forgetDeletedDocument(): void {
    if (deleted || destroyed) return;
    deleted = true;
    editor.setEditable(false);
    // Also leaves the other tabs' BroadcastChannel: the text must not reach a tab that opens the name anew.
    provider.disconnect();
    localCopy?.discard().catch((error: unknown) => console.warn('Tandem: deleting the local copy of a deleted document failed', error));
  }

  let codec: ContentCodec | null = null;
  let destroyed = false;
  /** Releases the editor, listeners, connection and document; `closeLocalCopy` decides what happens to the local copy. */
  const release = (closeLocalCopy: (copy: LocalCopy) => void): void => {
    destroyed = true;
    awareness.off('change', onAwarenessChange);
    provider.off('status', onProviderStatus);
    statusWatcher.destroy();
    rotation.destroy();
    saveStatusWatcher.destroy();
    ydoc.off('update', protection.refresh);
    if (localCopy && !deleted) closeLocalCopy(localCopy);
    editor.destroy();
    // Disconnecting tells the others we left before the socket closes.
    provider.destroy();
    awareness.destroy();
    ydoc.destroy();
  };

  return {
    editor,
    provider,
    ydoc,
    get serverUrl() {
      return rotation.serverUrl;
    },
    get status() {
      return statusWatcher.status;
    },
    get transport() {
      return transport;
    },
    get saveStatus() {
      return saveStatusWatcher.status;
    },
    get hasUnprotectedChanges() {
      return hasUnprotectedChanges();
    },
    get wordCount() {
      return (editor.storage.characterCount as { words(): number }).words();
    },
    getJSON: () => editor.getJSON(),
    getHTML: () => editor.getHTML(),
    getMarkdown() {
      // Built on first use: the Markdown grammar is not needed until someone exports.
      codec ??= createContentCodec();
      return codec.toMarkdown(editor.getJSON());
    },
    focus(position) {
      editor.commands.focus(position ?? null);
    },
    setUser(user) {
      editor.commands.updateUser(toAwarenessUser(requireUser(user)));
    },
    destroy() {
      if (destroyed) return;
      // Its last writes finish on their own; a failure only means the local copy is older.
      release((copy) => {
        copy.destroy().catch((error: unknown) => console.warn('Tandem: closing the local copy failed', error));
      });
    },
    async discardLocalChanges() {
      let discarded: Promise<void> = Promise.resolve();
      if (!destroyed) {
        release((copy) => {
          discarded = copy.discard();
        });
      }
      await discarded;
    },
  };
}

function requireUser(user: CollabUser): CollabUser {
  const valid = readCollabUser(user);
  if (!valid || valid.color !== user.color) {
    throw new RangeError(`user needs a non-empty name and a #rrggbb color, got ${JSON.stringify(user)}`);
  }
  return valid;
}
