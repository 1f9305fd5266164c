import { coversDocument } from '../../common/accessToken.js';
import { createReadOnlyBadge } from './access/createReadOnlyBadge.js';
import { describeCoverage } from './access/describeCoverage.js';
import { explainAccessProblem, type AccessProblem } from './access/explainAccessProblem.js';
import { readAccessToken, type AccessToken } from './access/readAccessToken.js';
import { withToken } from './access/withToken.js';
import { createMessageCard } from './dom/createMessageCard.js';
import { createWordmark } from './dom/createWordmark.js';
import { h } from './dom/h.js';
import { icon } from './dom/icon.js';
import { requireElement } from './dom/requireElement.js';
import { ApiError } from './listPage/ApiError.js';
import { createDocumentTable } from './listPage/createDocumentTable.js';
import { createDeleteDialog } from './listPage/createDeleteDialog.js';
import { createDocument } from './listPage/createDocument.js';
import { createImportButton } from './listPage/createImportButton.js';
import { createNewDocumentForm } from './listPage/createNewDocumentForm.js';
import { createSearchField } from './listPage/createSearchField.js';
import { deleteDocument } from './listPage/deleteDocument.js';
import { deleteLocalCopy } from './listPage/deleteLocalCopy.js';
import type { DocumentSummary } from './listPage/fetchDocuments.js';
import { importFile } from './listPage/importFile.js';
import { matchesSearch } from './listPage/matchesSearch.js';
import { pollDocuments } from './listPage/pollDocuments.js';
import { randomDocumentName } from './listPage/randomDocumentName.js';
import { registerAppShell } from './offline/registerAppShell.js';

/** How often the list refreshes while the tab is visible (it also refreshes on focus). */
const REFRESH_INTERVAL_MS = 5000;

/**
 * The home page: create a document by name or from a Markdown or HTML file,
 * find one by name or title, open or delete it; each shows its title, when it
 * last changed, its size and who is in it now. With an access link
 * (`/?token=…`) it lists what the link covers, keeps the token on every link,
 * and offers to create and delete only what the link may write.
 */
function mountListPage(root: HTMLElement, location: Location): void {
  const access = readAccessToken(location.search);
  const token = access?.token;
  const canWrite = access === null || access.access === 'write';
  const coverage = access ? coverageOf(access) : null;
  const documentHref = (documentName: string) => withToken(`/d/${encodeURIComponent(documentName)}`, token);
  const tokenOption = token ? { token } : {};
  let documents: DocumentSummary[] | null = null;
  /**
   * Deleted here (name → when the deleted document was created), but maybe still in a list that was
   * being fetched meanwhile: kept out until the server's list agrees. A document created again under
   * the name is newer, and shown.
   */
  const deleted = new Map<string, number>();
  const wasDeleted = (document: DocumentSummary) => (deleted.get(document.name) ?? -Infinity) >= document.createdAt.getTime();
  const exists = (documentName: string) => documents?.some((document) => document.name === documentName) ?? false;

  const form = canWrite
    ? createNewDocumentForm({
        onCreate: (documentName) => window.location.assign(documentHref(documentName)),
        exists,
        ...(coverage ? { coverage, suggest: coverage.prefix === null ? null : () => `${coverage.prefix}${randomDocumentName()}` } : {}),
      })
    : null;
  if (form) {
    const importButton = createImportButton({
      import: (file) =>
        importFile(file, {
          taken: exists,
          create: (documentName, content) => createDocument(documentName, content, tokenOption),
          ...(coverage ? { coverage } : {}),
        }),
      onImported: (documentName) => window.location.assign(documentHref(documentName)),
    });
    form.element.append(h('div', { class: 'new-document__or' }, h('span', {}, 'or start from a file')), importButton.element);
  }

  const announcer = h('p', { class: 'visually-hidden', role: 'status', 'data-testid': 'list-announcer' });
  const search = createSearchField(() => render());
  const deleteDialog = canWrite
    ? createDeleteDialog({
        delete: (documentName) => deleteDocument(documentName, tokenOption),
        onDeleted: (documentName) => {
          const index = table.indexOf(documentName);
          const gone = documents?.find((document) => document.name === documentName);
          if (gone) deleted.set(documentName, gone.createdAt.getTime());
          if (documents) documents = documents.filter((document) => document.name !== documentName);
          render();
          announcer.textContent = `Deleted “${documentName}”.`;
          // The button that opened the dialog went with its row: go on from the row that took its place.
          if (!table.focusRow(index)) documentsHeading.focus();
          // Without this, the text would come back from this browser's offline copy the next time the name is opened.
          deleteLocalCopy(documentName, location.host).catch((error: unknown) =>
            console.warn(`Tandem: could not delete this browser’s copy of "${documentName}"`, error),
          );
          poller.refresh();
        },
      })
    : null;
  const table = createDocumentTable({
    documentHref,
    ...(deleteDialog ? { onDelete: (document: DocumentSummary) => deleteDialog.open(document.name, document.title) } : {}),
  });
  const count = h('span', { class: 'section-title__count', 'data-testid': 'document-count' });
  // Focusable from script, for when the row that had the focus is gone.
  const documentsHeading = h('h2', { id: 'documents-heading', class: 'section-title', tabindex: -1 }, 'Documents', count);
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
    h(
      'p',
      { class: 'empty-state__text' },
      canWrite ? 'Create the first one above, then share its link to write together.' : 'None of the documents your link opens has been written yet.',
    ),
  );
  const noMatchText = h('p', { class: 'no-match__text' });
  const clearSearch = h('button', { type: 'button', class: 'button button--ghost' }, 'Clear search');
  const noMatch = h('div', { class: 'no-match', 'data-testid': 'document-no-match', hidden: true }, noMatchText, clearSearch);
  const tableCard = h('div', { class: 'card card--flush', hidden: true }, table.element);
  search.element.hidden = true;
  clearSearch.addEventListener('click', () => {
    search.input.value = '';
    render();
    search.input.focus();
  });

  const main = h(
    'main',
    { class: 'list-main' },
    h(
      'section',
      { class: 'intro' },
      h('h1', { class: 'intro__title' }, canWrite ? 'Write together, live.' : 'Read along, live.'),
      h(
        'p',
        { class: 'intro__text' },
        canWrite
          ? 'Every document has its own link. Anyone who opens it edits with you in real time.'
          : 'Your link lets you read these documents and follow every change as it is made.',
      ),
    ),
    form?.element,
    h(
      'section',
      { class: 'documents', 'aria-labelledby': 'documents-heading' },
      h('div', { class: 'documents__header' }, documentsHeading, search.element),
      error,
      status,
      empty,
      // Always in the page, so a change of its text is announced.
      h('div', { role: 'status' }, noMatch),
      tableCard,
    ),
    announcer,
  );
  const header = h('header', { class: 'app-header' }, createWordmark(withToken('/', token)));
  if (access?.readable && !canWrite) header.append(createReadOnlyBadge('Your link lets you read documents and follow changes live, but not edit them.'));
  root.replaceChildren(h('div', { class: 'topbar' }, header), main);
  if (deleteDialog) root.append(deleteDialog.element);

  /** Shows the documents that match the search, or says why there are none. */
  function render(): void {
    if (!documents) return;
    const query = search.query;
    const shown = documents.filter((document) => matchesSearch(query, document));
    empty.hidden = documents.length > 0;
    search.element.hidden = documents.length === 0;
    noMatch.hidden = documents.length === 0 || shown.length > 0;
    noMatchText.textContent = `No document’s name or title matches “${query}”.`;
    tableCard.hidden = shown.length === 0;
    count.textContent = documents.length === 0 ? '' : shown.length === documents.length ? String(documents.length) : `${shown.length} of ${documents.length}`;
    table.update(shown, new Date());
    form?.refresh();
  }

  const poller = pollDocuments({
    intervalMs: REFRESH_INTERVAL_MS,
    ...tokenOption,
    onDocuments: (next) => {
      for (const name of deleted.keys()) if (!next.some((document) => document.name === name)) deleted.delete(name);
      documents = next.filter((document) => !wasDeleted(document));
      status.hidden = true;
      error.hidden = true;
      render();
    },
    onError: (reason) => {
      if (reason instanceof ApiError && reason.status === 401) {
        // Asking again will not help: the visitor needs a (new) link.
        poller.stop();
        showAccessProblem(reason.code === 'token-expired' ? 'link-expired' : access ? 'link-invalid' : 'access-required');
        return;
      }
      console.error('Tandem: could not load the document list', reason);
      status.hidden = true;
      errorText.textContent = documents
        ? `Could not refresh the list: ${reason.message}. Retrying…`
        : `Could not load the documents: ${reason.message}.`;
      error.hidden = false;
    },
  });
  retry.addEventListener('click', () => poller.refresh());

  /** Replaces the page's content with what the visitor needs to do to get in. */
  function showAccessProblem(problem: AccessProblem): void {
    const { title, detail } = explainAccessProblem(problem, { opening: 'list', ...(access?.expiresAt ? { expiresAt: access.expiresAt } : {}) });
    main.replaceChildren(createMessageCard({ title, detail, tone: 'access', testId: 'access-error', reason: problem }));
  }
}

/**
 * What a token limited to some documents allows creating: names it covers
 * (`description` says which in words), and the prefix of its first `prefix*`
 * entry for suggested and imported names (`null` when it names documents
 * one by one). `null` for a token that covers every document.
 */
function coverageOf(access: AccessToken): { covers: (documentName: string) => boolean; description: string; prefix: string | null } | null {
  const description = describeCoverage(access.documents);
  if (description === null) return null;
  const prefix = access.documents.find((entry) => entry.endsWith('*'))?.slice(0, -1) ?? null;
  return { covers: (documentName) => coversDocument(access.documents, documentName), description, prefix };
}

mountListPage(requireElement(document, '#app'), window.location);
registerAppShell();
