import { createWordmark } from './dom/createWordmark.js';
import { h } from './dom/h.js';
import { icon } from './dom/icon.js';
import { requireElement } from './dom/requireElement.js';
import { createDocumentTable } from './listPage/createDocumentTable.js';
import { createNewDocumentForm } from './listPage/createNewDocumentForm.js';
import type { DocumentSummary } from './listPage/fetchDocuments.js';
import { pollDocuments } from './listPage/pollDocuments.js';
import { registerAppShell } from './offline/registerAppShell.js';

/** How often the list refreshes while the tab is visible (it also refreshes on focus). */
const REFRESH_INTERVAL_MS = 5000;

/**
 * The home page: create a document by name, or open one of the documents on
 * this server, with when each last changed and who is in it now.
 */
function mountListPage(root: HTMLElement): void {
  let documents: DocumentSummary[] | null = null;

  const form = createNewDocumentForm({
    onCreate: (documentName) => window.location.assign(`/d/${encodeURIComponent(documentName)}`),
    exists: (documentName) => documents?.some((document) => document.name === documentName) ?? false,
  });
  const table = createDocumentTable();
  const count = h('span', { class: 'section-title__count', 'data-testid': 'document-count' });
  const status = h('div', { class: 'list-status', 'data-testid': 'document-list-loading' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Loading documents…');
  const retry = h('button', { type: 'button', class: 'button' }, icon('refresh'), 'Try again');
  const errorText = h('span', {});
  const error = h(
    'div',
    { class: 'list-error', role: 'alert', 'data-testid': 'document-list-error', hidden: true },
    icon('warning'),
    h('p', { class: 'list-error__text' }, errorText),
    retry,
  );
  const empty = h(
    'div',
    { class: 'empty-state', 'data-testid': 'document-empty', hidden: true },
    h('span', { class: 'empty-state__icon' }, icon('file')),
    h('h3', { class: 'empty-state__title' }, 'No documents yet'),
    h('p', { class: 'empty-state__text' }, 'Create the first one above, then share its link to write together.'),
  );
  table.element.hidden = true;

  root.replaceChildren(
    h('div', { class: 'topbar' }, h('header', { class: 'app-header' }, createWordmark())),
    h(
      'main',
      { class: 'list-main' },
      h(
        'section',
        { class: 'intro' },
        h('h1', { class: 'intro__title' }, 'Write together, live.'),
        h('p', { class: 'intro__text' }, 'Every document has its own link. Anyone who opens it edits with you in real time.'),
      ),
      form.element,
      h(
        'section',
        { class: 'documents', 'aria-labelledby': 'documents-heading' },
        h('h2', { id: 'documents-heading', class: 'section-title' }, 'Documents', count),
        error,
        status,
        empty,
        h('div', { class: 'card card--flush' }, table.element),
      ),
    ),
  );

  const poller = pollDocuments({
    intervalMs: REFRESH_INTERVAL_MS,
    onDocuments: (next) => {
      documents = next;
      status.hidden = true;
      error.hidden = true;
      empty.hidden = next.length > 0;
      table.element.hidden = next.length === 0;
      // The card around the table disappears with it.
      table.element.parentElement?.toggleAttribute('hidden', next.length === 0);
      count.textContent = next.length > 0 ? String(next.length) : '';
      table.update(next, new Date());
      form.refresh();
    },
    onError: (reason) => {
      console.error('Tandem: could not load the document list', reason);
      status.hidden = true;
      errorText.textContent = documents
        ? `Could not refresh the list: ${reason.message}. Retrying…`
        : `Could not load the documents: ${reason.message}.`;
      error.hidden = false;
    },
  });
  retry.addEventListener('click', () => poller.refresh());
}

mountListPage(requireElement(document, '#app'));
registerAppShell();
