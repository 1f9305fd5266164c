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
import { createNewDocumentForm, type NewDocumentFormOptions } from './listPage/createNewDocumentForm.js';
import type { DocumentSummary } from './listPage/fetchDocuments.js';
import { pollDocuments } from './listPage/pollDocuments.js';
import { randomDocumentName } from './listPage/randomDocumentName.js';
import { registerAppShell } from './offline/registerAppShell.js';

/** How often the list refreshes while the tab is visible (it also refreshes on focus). */
const REFRESH_INTERVAL_MS = 5000;

/**
 * The home page: create a document by name, or open one of the documents on
 * this server, with when each last changed and who is in it now. With an
 * access link (`/?token=…`) it lists what the link covers, keeps the token on
 * every link, and offers to create only what the link may write.
 */
function mountListPage(root: HTMLElement, location: Location): void {
  const access = readAccessToken(location.search);
  const token = access?.token;
  const canWrite = access === null || access.access === 'write';
  const documentHref = (documentName: string) => withToken(`/d/${encodeURIComponent(documentName)}`, token);
  let documents: DocumentSummary[] | null = null;

  const form = canWrite
    ? createNewDocumentForm({
        onCreate: (documentName) => window.location.assign(documentHref(documentName)),
        exists: (documentName) => documents?.some((document) => document.name === documentName) ?? false,
        ...(access ? coverageOptions(access) : {}),
      })
    : null;
  const table = createDocumentTable(documentHref);
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
    h(
      'p',
      { class: 'empty-state__text' },
      canWrite ? 'Create the first one above, then share its link to write together.' : 'None of the documents your link opens has been written yet.',
    ),
  );
  table.element.hidden = true;

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
      h('h2', { id: 'documents-heading', class: 'section-title' }, 'Documents', count),
      error,
      status,
      empty,
      h('div', { class: 'card card--flush' }, table.element),
    ),
  );
  const header = h('header', { class: 'app-header' }, createWordmark(withToken('/', token)));
  if (access?.readable && !canWrite) header.append(createReadOnlyBadge('Your link lets you read documents and follow changes live, but not edit them.'));
  root.replaceChildren(h('div', { class: 'topbar' }, header), main);

  const poller = pollDocuments({
    intervalMs: REFRESH_INTERVAL_MS,
    ...(token ? { token } : {}),
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
      form?.refresh();
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
 * What the new-document form allows with a token limited to some documents:
 * only names it covers, and suggestions under its first prefix (none when it
 * names documents one by one).
 */
function coverageOptions(access: AccessToken): Pick<NewDocumentFormOptions, 'coverage' | 'suggest'> {
  const description = describeCoverage(access.documents);
  if (description === null) return {};
  const prefix = access.documents.find((entry) => entry.endsWith('*'))?.slice(0, -1);
  return {
    coverage: { covers: (documentName) => coversDocument(access.documents, documentName), description },
    suggest: prefix === undefined ? null : () => `${prefix}${randomDocumentName()}`,
  };
}

mountListPage(requireElement(document, '#app'), window.location);
registerAppShell();
