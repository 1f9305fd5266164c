import { createCopyLinkButton } from './documentPage/createCopyLinkButton.js';
import { createDocumentError } from './documentPage/createDocumentError.js';
import { createNotice } from './documentPage/createNotice.js';
import { createPresenceList } from './documentPage/createPresenceList.js';
import { createStatusPill } from './documentPage/createStatusPill.js';
import { createUserMenu } from './documentPage/createUserMenu.js';
import { readDocumentName } from './documentPage/readDocumentName.js';
import { createWordmark } from './dom/createWordmark.js';
import { h } from './dom/h.js';
import { requireElement } from './dom/requireElement.js';
import { createCollabEditor } from './editor/createCollabEditor.js';
import { asSentence } from './text/asSentence.js';
import { registerAppShell } from './offline/registerAppShell.js';
import { createToolbar } from './toolbar/createToolbar.js';
import { createUserPreferences } from './user/createUserPreferences.js';

/** Close codes that get a banner; the rest are covered by the status pill. */
const CLOSE_NOTICES: Record<number, string> = {
  1011: 'The server could not load this document. Retrying…',
  1012: 'The server is restarting. Your edits are kept and sync when it is back.',
};

/**
 * The editor page, served at `/d/<documentName>`: header (document name,
 * connection status, who is here, your name), formatting toolbar, and the
 * shared document.
 */
function mountDocumentPage(root: HTMLElement, location: Location): void {
  const title = h('h1', { class: 'app-header__title', 'data-testid': 'document-name' });
  const actions = h('div', { class: 'app-header__actions' });
  const header = h('header', { class: 'app-header' }, createWordmark(), h('span', { class: 'app-header__divider', 'aria-hidden': 'true' }), title, actions);
  const topbar = h('div', { class: 'topbar' }, header);
  const main = h('main', { class: 'document-main' });
  root.replaceChildren(topbar, main);

  const found = readDocumentName(location.pathname);
  if (!found.ok) {
    title.textContent = 'Invalid document name';
    document.title = 'Invalid document name · Tandem';
    main.append(createDocumentError('This document name is not valid', asSentence(found.reason)));
    return;
  }
  const { documentName } = found;
  title.textContent = documentName;
  title.title = documentName;
  document.title = `${documentName} · Tandem`;

  const preferences = createUserPreferences();
  const statusPill = createStatusPill();
  const notice = createNotice();
  const copyLink = createCopyLinkButton(location.href);
  const toolbarRow = h('div', { class: 'toolbar-row' });
  const surface = h('div', { class: 'paper', 'data-testid': 'editor' });
  topbar.append(toolbarRow);
  main.append(notice.element, surface);

  // The callbacks below only run on user input or network events, after `collab` exists.
  const presence = createPresenceList(() => (menu.isOpen ? menu.close(false) : openMenu()));
  const menu = createUserMenu({
    user: preferences.user,
    note: preferences.remembered ? 'Remembered in this browser.' : 'This browser blocks storage: your name is kept for this visit only.',
    onChange: (user) => {
      preferences.save(user);
      collab.setUser(user);
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
  actions.append(statusPill.element, presence.element, copyLink.element);
  header.append(menu.element);

  const collab = createCollabEditor({
    element: surface,
    serverUrl: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
    documentName,
    user: preferences.user,
    onStatus: (status) => {
      statusPill.set(status);
      surface.dataset['connection'] = status;
      if (status === 'connected') notice.hide();
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
      if (close.permanent) {
        const detail = close.reason ? asSentence(close.reason) : `The server refused the connection (close code ${close.code}).`;
        statusPill.set('offline', `Disconnected: ${detail}`);
        showFatal('This document can’t be opened', detail);
        return;
      }
      const text = CLOSE_NOTICES[close.code];
      if (text) notice.show(text);
    },
    onContentError: (error) => {
      console.error(`Tandem: "${documentName}" holds content this editor cannot read; syncing stopped`, error);
      statusPill.set('offline', 'Syncing stopped to protect content this version cannot display.');
      notice.show('This document contains content this version of Tandem cannot display. Editing is turned off so nothing is lost.');
    },
  });
  const toolbar = createToolbar(collab.editor);
  toolbarRow.append(toolbar.element);

  // Closing the tab now would lose changes that are neither on the server's disk nor stored in this browser.
  window.addEventListener('beforeunload', (event) => {
    if (!collab.hasUnprotectedChanges) return;
    event.preventDefault();
    event.returnValue = '';
  });

  // Clicks in the page margins below the text land in the editor, as on paper.
  surface.addEventListener('mousedown', (event) => {
    if (event.target !== surface) return;
    event.preventDefault();
    collab.editor.commands.focus('end');
  });

  /** Replaces the editor with an error, for a document the server will not serve. */
  function showFatal(titleText: string, detail: string): void {
    // Tear down after the provider finishes emitting the close event that got us here.
    queueMicrotask(() => collab.destroy());
    toolbar.destroy();
    toolbarRow.remove();
    notice.hide();
    menu.close(false);
    menu.destroy();
    // Nobody is "here" any more, and there is nothing to share.
    presence.element.hidden = true;
    copyLink.element.hidden = true;
    surface.replaceWith(createDocumentError(titleText, detail));
  }
}

mountDocumentPage(requireElement(document, '#app'), window.location);
registerAppShell();
