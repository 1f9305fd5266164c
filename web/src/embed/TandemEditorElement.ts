import type { JSONContent } from '@tiptap/core';
import { CloseCode } from '../../../common/closeCodes.js';
import { GUEST_NAME } from '../../../common/accessToken.js';
import { h } from '../dom/h.js';
import type { CollabUser } from '../editor/CollabUser.js';
import { createCollabEditor, type CollabEditor } from '../editor/createCollabEditor.js';
import { pickRandom } from '../random/pickRandom.js';
import { asSentence } from '../text/asSentence.js';
import { USER_COLORS } from '../user/userColors.js';
import { createErrorNotice } from './createErrorNotice.js';
import { createStatusLine, type StatusLine } from './createStatusLine.js';
import type { Transport } from '../transport/Transport.js';
import { explainRefusal } from './explainRefusal.js';
import { readTandemEditorAttributes, type TandemEditorSettings } from './readTandemEditorAttributes.js';
import type { TandemEditorEventMap, TandemErrorDetail } from './TandemEditorEventMap.js';
import { webSocketUrlFor } from './webSocketUrlFor.js';

/** Attributes that only change how the editor looks or who you are: no new connection. */
const LIVE_ATTRIBUTES = new Set(['user-name', 'user-color', 'chrome']);

/**
 * `<tandem-editor>`: a collaborative editor on one document of a Tandem
 * server, for pages without a build step. It renders into the light DOM (so
 * the page's fonts apply and text selection works everywhere), as a document
 * surface and a one-line status (connection, saving, who is here). Where a
 * proxy or firewall blocks WebSockets it connects over the server's HTTP
 * fallback instead, and its status line says so ("Saved · HTTP fallback";
 * `data-transport` and the `tandem-status` event say which transport).
 *
 * Attributes:
 * - `document` (required): the document name;
 * - `server`: the server's http(s) origin; default: where this script was loaded from. Or several
 *   instances of one deployment, separated by spaces or commas (`server="https://a.example.com https://b.example.com"`):
 *   the editor connects to the first and, whenever the connection is lost, carries on with the next
 *   (`collab.serverUrl` says which is in use);
 * - `user-name`, `user-color` (`#rrggbb`): who you are to the others; default "Guest" in a random colour.
 *   Changing them renames you at once;
 * - `token`: an access token, for a server with `AUTH_SECRET`;
 * - `readonly`: a live view that takes no input;
 * - `placeholder`: grey text while the document is empty;
 * - `chrome="none"`: no status line, only the document;
 * - `offline-storage="off"`: keep no copy of the document in this browser (shared computers); by
 *   default a copy in IndexedDB keeps offline edits across reloads.
 *
 * Changing `server`, `document`, `token`, `readonly`, `placeholder` or `offline-storage` reopens
 * the editor; removing the element from the page closes its connection. What
 * the page put inside the element (a fallback link, say) is replaced. A
 * missing or invalid attribute shows the problem inside the element and
 * dispatches `tandem-error` (see `TandemEditorEventMap` for every event).
 *
 * @example
 * <script type="module" src="https://docs.example.com/lib/tandem-editor.js"></script>
 * <tandem-editor document="meeting-notes" user-name="Ada" user-color="#1565c0"></tandem-editor>
 * <script type="module">
 *   const editor = document.querySelector('tandem-editor');
 *   editor.addEventListener('tandem-save-status', (event) => console.log(event.detail.saveStatus));
 *   console.log(editor.getMarkdown());
 * </script>
 */
export class TandemEditorElement extends HTMLElement {
  static readonly observedAttributes = ['server', 'document', 'user-name', 'user-color', 'token', 'readonly', 'placeholder', 'chrome', 'offline-storage'];

  #collab: CollabEditor | null = null;
  #statusLine: StatusLine | null = null;
  /** Whether the element is on the page and has (tried to) put an editor in itself. */
  #active = false;
  #reopenQueued = false;
  /** Who you are without `user-name`/`user-color`: one guest colour per element, kept across reopenings. */
  readonly #guest: CollabUser = { name: GUEST_NAME, color: pickRandom(USER_COLORS, Math.random).value };

  /** The running editor (TipTap editor, provider, document, status), or `null` while none is open. */
  get collab(): CollabEditor | null {
    return this.#collab;
  }

  /** The document as Markdown. Throws while no editor is open (see `collab`). */
  getMarkdown(): string {
    return this.#requireCollab().getMarkdown();
  }

  /**
   * The document as HTML (as `CollabEditor.getHTML()`: the content only, without carets or the
   * status line; this replaces `Element.getHTML()`, which would serialize the element's own DOM). Throws while no editor is open.
   */
  override getHTML(): string {
    return this.#requireCollab().getHTML();
  }

  /** The document as TipTap JSON. Throws while no editor is open. */
  getJSON(): JSONContent {
    return this.#requireCollab().getJSON();
  }

  /** Moves the keyboard focus into the document (does nothing while no editor is open). */
  override focus(options?: FocusOptions): void {
    if (this.#collab) this.#collab.focus();
    else super.focus(options);
  }

  connectedCallback(): void {
    this.#active = true;
    this.#open();
  }

  disconnectedCallback(): void {
    this.#active = false;
    this.#close();
    this.replaceChildren();
  }

  attributeChangedCallback(name: string, oldValue: string | null, newValue: string | null): void {
    // Before connectedCallback (parsing, upgrade) the attributes are read when the editor opens.
    if (!this.#active || oldValue === newValue) return;
    if (name === 'chrome') {
      if (this.#statusLine) this.#statusLine.element.hidden = this.#chromeless;
      return;
    }
    if (LIVE_ATTRIBUTES.has(name) && this.#collab) {
      const read = this.#readAttributes();
      if (read.ok) {
        this.#collab.setUser(read.settings.user);
        return;
      }
    }
    this.#queueReopen();
  }

  get #chromeless(): boolean {
    return this.getAttribute('chrome') === 'none';
  }

  #readAttributes(): ReturnType<typeof readTandemEditorAttributes> {
    // The script's own origin: right for <script src="https://docs.example.com/lib/tandem-editor.js">.
    return readTandemEditorAttributes((name) => this.getAttribute(name), { server: new URL(import.meta.url).origin, user: this.#guest });
  }

  /** Several attributes set in a row (a framework rendering) open one new connection, not one each. */
  #queueReopen(): void {
    if (this.#reopenQueued) return;
    this.#reopenQueued = true;
    queueMicrotask(() => {
      this.#reopenQueued = false;
      if (!this.#active) return;
      this.#close();
      this.#open();
    });
  }

  #open(): void {
    const read = this.#readAttributes();
    if (!read.ok) {
      // A mistake in the page's markup: its author looks in the console, its visitors at the element.
      console.error(`tandem-editor: ${read.problem}`);
      this.#fail({ code: 'invalid-attributes', title: 'tandem-editor can’t open a document', message: asSentence(read.problem) }, 'error');
      return;
    }
    const { settings } = read;
    const surface = h('div', { class: 'tandem-editor__surface' });
    const statusLine = createStatusLine({ readOnly: !settings.editable });
    statusLine.element.hidden = this.#chromeless;
    this.#statusLine = statusLine;
    this.replaceChildren(surface, statusLine.element);
    // Clicks in the padding below the text land in the document, as on paper.
    surface.addEventListener('mousedown', (event) => {
      if (event.target !== surface || !this.#collab?.editor.isEditable) return;
      event.preventDefault();
      this.#collab.focus('end');
    });
    try {
      this.#collab = this.#createEditor(surface, settings, statusLine);
    } catch (error) {
      // The attributes were checked; anything left (say, no IndexedDB) is shown, not thrown at the page.
      console.error('tandem-editor: the editor could not be created', error);
      this.#fail({ code: 'mount-failed', title: 'The editor could not start', message: error instanceof Error ? error.message : String(error), cause: error }, 'error');
    }
  }

  #createEditor(surface: HTMLElement, settings: TandemEditorSettings, statusLine: StatusLine): CollabEditor {
    const serverUrls = settings.serverOrigins.map(webSocketUrlFor);
    // Known before the status turns `connected`: a connection opens before it syncs.
    let transport: Transport | null = null;
    const collab: CollabEditor = createCollabEditor({
      element: surface,
      serverUrl: serverUrls,
      documentName: settings.documentName,
      user: settings.user,
      ...(settings.token ? { token: settings.token } : {}),
      editable: settings.editable,
      ...(settings.placeholder ? { placeholder: settings.placeholder } : {}),
      offlineStorage: settings.offlineStorage,
      onStatus: (status) => {
        statusLine.setStatus(status);
        this.dataset['status'] = status;
        this.#emit('tandem-status', { status, transport });
      },
      onTransport: (next) => {
        transport = next;
        statusLine.setTransport(next);
        this.dataset['transport'] = next;
      },
      onSaveStatus: (saveStatus) => {
        statusLine.setSaveStatus(saveStatus);
        this.dataset['saveStatus'] = saveStatus;
        this.#emit('tandem-save-status', { saveStatus });
      },
      onPresence: (users) => {
        statusLine.setPresence(users);
        this.#emit('tandem-presence', { users });
      },
      onClose: (close) => {
        this.#emit('tandem-close', close);
        if (!close.permanent) return;
        if (close.code === CloseCode.documentTooLarge) {
          // The text stays readable (and copyable); only the refused change is lost.
          collab.editor.setEditable(false);
          statusLine.stop({ label: 'Not saved', description: `The document reached its size limit: ${close.reason}` });
          this.#emit('tandem-error', { code: 'too-large', title: 'This document is full', message: 'The server refused the last change because the document reached its size limit.', close });
          return;
        }
        // A permanent close does not move the editor on: the server in use is the one that refused.
        const serverOrigin = settings.serverOrigins[serverUrls.indexOf(collab.serverUrl)] ?? settings.serverOrigins[0];
        const refusal = explainRefusal(close, { token: settings.token, pageOrigin: window.location.origin, serverOrigin });
        // Torn down after the provider has finished emitting the close that got us here.
        queueMicrotask(() => {
          if (this.#collab !== collab) return;
          this.#fail({ code: 'refused', title: refusal.title, message: refusal.message, close }, refusal.tone);
        });
      },
      onContentError: (error) => {
        console.error(`tandem-editor: "${settings.documentName}" holds content this editor cannot read; syncing stopped`, error);
        statusLine.stop({ label: 'Not syncing', description: 'Syncing stopped to protect content this version cannot display.' });
        this.#emit('tandem-error', {
          code: 'content',
          title: 'Syncing stopped',
          message: 'This document contains content this version of Tandem cannot display. Editing is turned off so nothing is lost.',
          cause: error,
        });
      },
    });
    return collab;
  }

  #close(): void {
    this.#collab?.destroy();
    this.#collab = null;
    this.#statusLine = null;
    delete this.dataset['status'];
    delete this.dataset['saveStatus'];
    delete this.dataset['transport'];
  }

  /** Replaces the editor with what went wrong, and tells the page. */
  #fail(detail: TandemErrorDetail, tone: 'access' | 'error'): void {
    this.#close();
    this.replaceChildren(createErrorNotice({ title: detail.title, message: detail.message, tone, code: detail.code }));
    this.#emit('tandem-error', detail);
  }

  #emit<K extends keyof TandemEditorEventMap>(type: K, detail: TandemEditorEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
  }

  #requireCollab(): CollabEditor {
    if (!this.#collab) throw new Error(`tandem-editor: no document is open${this.isConnected ? ' (see the tandem-error event)' : ' (the element is not on the page)'}`);
    return this.#collab;
  }
}
