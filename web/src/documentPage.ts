import { createReadOnlyBadge } from './access/createReadOnlyBadge.js';
import { explainAccessProblem } from './access/explainAccessProblem.js';
import { identityFromToken } from './access/identityFromToken.js';
import { readAccessToken } from './access/readAccessToken.js';
import { withToken } from './access/withToken.js';
import { accessProblemFromClose } from './documentPage/accessProblemFromClose.js';
import { createDocumentError, type DocumentErrorOptions } from './documentPage/createDocumentError.js';
import { createExportMenu } from './documentPage/createExportMenu.js';
import { createNotice } from './documentPage/createNotice.js';
import { createPresenceList } from './documentPage/createPresenceList.js';
import { createSharePanel } from './documentPage/createSharePanel.js';
import { createStatusPill } from './documentPage/createStatusPill.js';
import { createUserMenu } from './documentPage/createUserMenu.js';
import { createWordCount } from './documentPage/createWordCount.js';
import { firstHeadingText } from './documentPage/firstHeadingText.js';
import { readDocumentName } from './documentPage/readDocumentName.js';
import { shareSentence } from './documentPage/shareSentence.js';
import { standaloneHtml } from './documentPage/standaloneHtml.js';
import { createWordmark } from './dom/createWordmark.js';
import { downloadFile } from './dom/downloadFile.js';
import { h } from './dom/h.js';
import { requireElement } from './dom/requireElement.js';
import { createCollabEditor } from './editor/createCollabEditor.js';
import { asSentence } from './text/asSentence.js';
import { registerAppShell } from './offline/registerAppShell.js';
import { createToolbar, type Toolbar } from './toolbar/createToolbar.js';
import { linkShortcut } from './toolbar/linkShortcut.js';
import { CloseCode } from '../../common/closeCodes.js';
import type { CollabUser } from './editor/CollabUser.js';
import { createUserPreferences, type UserPreferences } from './user/createUserPreferences.js';

/** Close codes that get a banner; the rest are covered by the status pill. */
const CLOSE_NOTICES: Record<number, string> = {
  1008: 'Too many changes arrived at once, so the server paused this connection. Reconnecting…',
  1009: 'Your last change is too large for the server to accept, so it cannot be sent. It stays on this device only.',
  1011: 'The server could not load this document. Retrying…',
  1012: 'The server is restarting. Your edits are kept and sync when it is back.',
  1013: 'The server is busy right now. Your edits are kept; reconnecting…',
};

/**
 * The editor page, served at `/d/<documentName>`: header (document name,
 * word count, connection status, who is here, your name, export and share),
 * formatting toolbar, and the shared document. On a server that requires
 * access links the page's `?token=` goes to the server with the connection
 * and into the shared link, and decides (for display only; the server
 * enforces it) whether the page is read-only and whether your name is yours
 * to pick.
 */
function mountDocumentPage(root: HTMLElement, location: Location): void {
  const access = readAccessToken(location.search);
  const token = access?.token;
  // An unreadable token gets no editing either; the server refuses it at once.
  const readOnly = access !== null && access.access === 'read';
  const identity = identityFromToken(access);
  const homeHref = withToken('/', token);

  const title = h('h1', { class: 'app-header__title', 'data-testid': 'document-name' });
  const actions = h('div', { class: 'app-header__actions' });
  const header = h('header', { class: 'app-header' }, createWordmark(homeHref), h('span', { class: 'app-header__divider', 'aria-hidden': 'true' }), title, actions);
  const topbar = h('div', { class: 'topbar' }, header);
  const main = h('main', { class: 'document-main' });
  root.replaceChildren(topbar, main);

  const found = readDocumentName(location.pathname);
  if (!found.ok) {
    title.textContent = 'Invalid document name';
    document.title = 'Invalid document name · Tandem';
    main.append(createDocumentError('This document name is not valid', asSentence(found.reason), { homeHref }));
    return;
  }
  const { documentName } = found;
  title.textContent = documentName;
  title.title = documentName;
  document.title = `${documentName} · Tandem`;

  // With an identity from the link, this browser's remembered name is neither used nor overwritten.
  let preferences: UserPreferences | null = null;
  let user: CollabUser;
  if (identity) {
    user = identity;
  } else {
    preferences = createUserPreferences();
    user = preferences.user;
  }
  const statusPill = createStatusPill({ readOnly });
  const notice = createNotice();
  const wordCount = createWordCount();
  // The page's own address with its token (if any): whoever opens it gets the same access.
  const share = createSharePanel(`${location.origin}${withToken(location.pathname, token)}`, shareSentence(access));
  const exportMenu = createExportMenu([
    { id: 'markdown', label: 'Markdown', extension: '.md', run: () => downloadFile(`${documentName}.md`, collab.getMarkdown(), 'text/markdown') },
    {
      id: 'html',
      label: 'HTML',
      extension: '.html',
      run: () => downloadFile(`${documentName}.html`, standaloneHtml(firstHeadingText(collab.getJSON()) ?? documentName, collab.getHTML()), 'text/html'),
    },
    { id: 'json', label: 'JSON', extension: '.json', run: () => downloadFile(`${documentName}.json`, `${JSON.stringify(collab.getJSON(), null, 2)}\n`, 'application/json') },
  ]);
  const readOnlyBadge = access?.readable && readOnly ? createReadOnlyBadge('Your link lets you read this document and follow changes live, but not edit it.') : null;
  const toolbarRow = h('div', { class: 'toolbar-row' });
  const surface = h('div', { class: 'paper', 'data-testid': 'editor', 'data-read-only': String(readOnly) });
  if (!readOnly) topbar.append(toolbarRow);
  // In the sticky top bar, so a notice is seen wherever in the document you are.
  topbar.append(notice.element);
  main.append(surface);

  // The callbacks below only run on user input or network events, after `collab` exists.
  const presence = createPresenceList(
    () => (menu.isOpen ? menu.close(false) : openMenu()),
    identity ? 'Your name comes from your access link' : undefined,
  );
  const menu = createUserMenu({
    user,
    note: !preferences
      ? 'To change them, ask whoever shared the link for a new one.'
      : preferences.remembered
        ? 'Remembered in this browser.'
        : 'This browser blocks storage: your name is kept for this visit only.',
    fromAccessLink: identity !== null,
    onChange: (next) => {
      preferences?.save(next);
      collab.setUser(next);
    },
    onClose: (restoreFocus) => {
      presence.setMenuOpen(false);
      if (restoreFocus) presence.focusSelf();
    },
  });
  function openMenu(): void {
    menu.open();
    presence.setMenuOpen(true);
  }
  actions.append(...(readOnlyBadge ? [readOnlyBadge] : []), wordCount.element, statusPill.element, presence.element, exportMenu.element, share.element);
  header.append(menu.element);

  /** Set once the page is on its way to a reload that drops this browser's unsaved changes on purpose. */
  let discarding = false;
  /** Set once the document was deleted: nothing is left to protect by staying. */
  let deleted = false;
  // Created after the editor, which it needs; Mod-K only reaches it once both exist.
  let toolbar: Toolbar | null = null;
  const collab = createCollabEditor({
    element: surface,
    serverUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    documentName,
    user,
    ...(token ? { token } : {}),
    editable: !readOnly,
    placeholder: 'Start writing…',
    extensions: readOnly ? [] : [linkShortcut(() => toolbar?.openLinkForm())],
    onStatus: (status) => {
      statusPill.set(status);
      surface.dataset['connection'] = status;
      if (status === 'connected') notice.hide();
    },
    onTransport: (transport) => {
      statusPill.setTransport(transport);
      surface.dataset['transport'] = transport;
    },
    onSaveStatus: (status) => {
      statusPill.setSave(status);
      surface.dataset['saveStatus'] = status;
    },
    onUnprotectedChanges: (has) => {
      surface.dataset['unprotectedChanges'] = String(has);
    },
    onPresence: (users) => presence.update(users),
    onClose: (close) => {
      const detail = close.reason ? asSentence(close.reason) : `The server refused the connection (close code ${close.code}).`;
      if (close.code === CloseCode.documentDeleted) {
        showDeleted();
        return;
      }
      if (close.code === CloseCode.documentTooLarge) {
        statusPill.stop({ label: 'Not saved', description: `Disconnected: ${detail}` });
        showTooLarge(close.reason);
        return;
      }
      if (close.permanent) {
        statusPill.stop({ description: `Disconnected: ${detail}` });
        const problem = accessProblemFromClose(close, access, new Date());
        if (!problem) {
          showFatal('This document can’t be opened', detail);
          return;
        }
        const explained = explainAccessProblem(problem, {
          opening: 'document',
          ...(access?.expiresAt ? { expiresAt: access.expiresAt } : {}),
          ...(close.reason ? { serverReason: close.reason } : {}),
        });
        showFatal(explained.title, explained.detail, { tone: 'access', reason: problem });
        return;
      }
      const text = CLOSE_NOTICES[close.code];
      if (text) notice.show(text);
    },
    onContentError: (error) => {
      console.error(`Tandem: "${documentName}" holds content this editor cannot read; syncing stopped`, error);
      statusPill.stop({ description: 'Syncing stopped to protect content this version cannot display.' });
      notice.show('This document contains content this version of Tandem cannot display. Editing is turned off so nothing is lost.');
    },
  });
  toolbar = readOnly ? null : createToolbar(collab.editor);
  if (toolbar) toolbarRow.append(toolbar.element);

  // Remote changes count too; counted once per frame however many arrive.
  let countFrame = 0;
  const countWords = (): void => {
    cancelAnimationFrame(countFrame);
    countFrame = requestAnimationFrame(() => wordCount.set(collab.wordCount));
  };
  collab.editor.on('update', countWords);
  wordCount.set(collab.wordCount);

  // Closing the tab now would lose changes that are neither on the server's disk nor stored in this browser.
  window.addEventListener('beforeunload', (event) => {
    if (readOnly || discarding || deleted || !collab.hasUnprotectedChanges) return;
    event.preventDefault();
    event.returnValue = '';
  });

  // Clicks in the page margins below the text land in the editor, as on paper.
  surface.addEventListener('mousedown', (event) => {
    if (event.target !== surface || !collab.editor.isEditable) return;
    event.preventDefault();
    collab.editor.commands.focus('end');
  });

  /** Removes the formatting toolbar, for a page where nothing can be edited any more. */
  function removeToolbar(): void {
    toolbar?.destroy();
    toolbarRow.remove();
  }

  /**
   * The server refused a change because the document is full, and stops talking to this page.
   * The text stays readable (and copyable); this browser still holds the refused change and
   * would offer it again on every visit, so the way on is to drop it and reload.
   */
  function showTooLarge(reason: string): void {
    collab.editor.setEditable(false);
    removeToolbar();
    const limit = /size limit of ([^;]+)/.exec(reason)?.[1];
    notice.show(
      `This document has reached its size limit${limit ? ` of ${limit}` : ''}, so your last change was not saved. Copy anything you want to keep, then reload the saved version.`,
      {
        label: 'Reload saved version',
        onClick: () => {
          discarding = true;
          collab.discardLocalChanges().then(
            () => location.reload(),
            (error: unknown) => {
              discarding = false;
              console.error('Tandem: could not delete this browser’s copy of the document', error);
              notice.show('This browser’s copy of the document could not be deleted. Close other tabs with this document open and try again.');
            },
          );
        },
      },
    );
  }

  /** Stops everything that only makes sense in a live document: editing, presence, sharing. */
  function leaveDocument(): void {
    removeToolbar();
    notice.hide();
    menu.close(false);
    menu.destroy();
    share.destroy();
    collab.editor.off('update', countWords);
    cancelAnimationFrame(countFrame);
    wordCount.destroy();
    // Nobody is "here" any more and there is nothing to share.
    presence.element.hidden = true;
    share.element.hidden = true;
  }

  /**
   * Someone deleted the document while it was open. The editor (now read-only, its copy in this
   * browser deleted) keeps showing the text under the card, so anything worth keeping can still
   * be copied or exported.
   */
  function showDeleted(): void {
    deleted = true;
    leaveDocument();
    statusPill.stop({ label: 'Deleted', description: 'This document was deleted on the server.' });
    surface.dataset['deleted'] = 'true';
    surface.before(
      createDocumentError(
        'This document was deleted',
        `Someone deleted “${documentName}” while you had it open, for everyone. What you see below is not saved anywhere: copy or export anything you want to keep.`,
        { homeHref, reason: 'deleted', icon: 'trash' },
      ),
    );
  }

  /** Replaces the editor with an error, for a document the server will not serve. */
  function showFatal(titleText: string, detail: string, options: Omit<DocumentErrorOptions, 'homeHref'> = {}): void {
    // Tear down after the provider finishes emitting the close event that got us here.
    queueMicrotask(() => collab.destroy());
    leaveDocument();
    // There is nothing to export, and the card says more than the pill.
    exportMenu.element.hidden = true;
    wordCount.element.hidden = true;
    exportMenu.destroy();
    statusPill.element.hidden = true;
    if (readOnlyBadge) readOnlyBadge.hidden = true;
    surface.replaceWith(createDocumentError(titleText, detail, { ...options, homeHref }));
  }
}

mountDocumentPage(requireElement(document, '#app'), window.location);
registerAppShell();
