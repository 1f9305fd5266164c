import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import type { DocumentSummary } from './fetchDocuments.js';
import { formatBytes } from './formatBytes.js';
import { formatRelativeTime } from './formatRelativeTime.js';

export interface DocumentTable {
  element: HTMLTableElement;
  /** Shows these documents, most recently changed first; rows are updated in place so focus survives refreshes. */
  update(documents: readonly DocumentSummary[], now: Date): void;
}

interface Row {
  row: HTMLTableRowElement;
  damaged: HTMLElement;
  updated: HTMLTimeElement;
  size: HTMLElement;
  peers: HTMLElement;
}

const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The document list (`data-testid="document-list"`): one
 * `data-testid="document-item"` row per document with its link, last
 * change, size and the number of people in it now. `documentHref` makes
 * each link (default `/d/<name>`; with an access link, one that keeps it).
 */
export function createDocumentTable(documentHref: (documentName: string) => string = (name) => `/d/${encodeURIComponent(name)}`): DocumentTable {
  const body = h('tbody');
  const element = h(
    'table',
    { class: 'doc-table', 'data-testid': 'document-list' },
    h('caption', { class: 'visually-hidden' }, 'All documents'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'doc-table__name' }, 'Name'),
        h('th', { scope: 'col', class: 'doc-table__updated' }, 'Last change'),
        h('th', { scope: 'col', class: 'doc-table__size' }, 'Size'),
        h('th', { scope: 'col', class: 'doc-table__peers' }, 'People now'),
      ),
    ),
    body,
  );
  const rows = new Map<string, Row>();

  function createRow(name: string): Row {
    const link = h(
      'a',
      { class: 'doc-table__link', href: documentHref(name), 'data-testid': 'document-link' },
      h('span', { class: 'doc-table__icon' }, icon('file')),
      h('span', { class: 'doc-table__title' }, name),
    );
    const damaged = h('span', { class: 'badge badge--danger', 'data-testid': 'document-damaged', hidden: true }, icon('warning'), 'Damaged');
    const updated = h('time', { 'data-testid': 'document-updated' });
    const size = h('span', { 'data-testid': 'document-size' });
    const peers = h('span', { class: 'peers', 'data-testid': 'document-peers' });
    const row = h(
      'tr',
      { class: 'doc-table__row', 'data-testid': 'document-item', 'data-document-name': name },
      h('td', { class: 'doc-table__name' }, h('div', { class: 'doc-table__name-inner' }, link, damaged)),
      h('td', { class: 'doc-table__updated' }, updated),
      h('td', { class: 'doc-table__size' }, size),
      h('td', { class: 'doc-table__peers' }, peers),
    );
    return { row, damaged, updated, size, peers };
  }

  function fill(row: Row, document: DocumentSummary, now: Date): void {
    row.row.classList.toggle('doc-table__row--damaged', document.damaged !== undefined);
    row.row.dataset['damaged'] = String(document.damaged !== undefined);
    row.damaged.hidden = document.damaged === undefined;
    row.damaged.title = document.damaged ? `This document's file could not be read: ${document.damaged}` : '';
    setText(row.updated, formatRelativeTime(document.updatedAt, now));
    row.updated.dateTime = document.updatedAt.toISOString();
    row.updated.title = fullDate.format(document.updatedAt);
    setText(row.size, formatBytes(document.size));
    row.peers.dataset['peers'] = String(document.peers);
    row.peers.classList.toggle('peers--active', document.peers > 0);
    setText(row.peers, document.peers === 0 ? '—' : document.peers === 1 ? '1 person' : `${document.peers} people`);
    row.peers.title = document.peers === 0 ? 'No one has it open' : `${document.peers} connected now`;
  }

  return {
    element,
    update(documents, now) {
      const sorted = [...documents].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || a.name.localeCompare(b.name));
      const seen = new Set<string>();
      sorted.forEach((document, index) => {
        seen.add(document.name);
        let row = rows.get(document.name);
        if (!row) {
          row = createRow(document.name);
          rows.set(document.name, row);
        }
        fill(row, document, now);
        // Only move rows that are out of place: moving a node drops its focus.
        if (body.children[index] !== row.row) body.insertBefore(row.row, body.children[index] ?? null);
      });
      for (const [name, row] of rows) {
        if (seen.has(name)) continue;
        row.row.remove();
        rows.delete(name);
      }
    },
  };
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
