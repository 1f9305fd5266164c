import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import type { DocumentSummary } from './fetchDocuments.js';
import { formatBytes } from './formatBytes.js';
import { formatRelativeTime } from './formatRelativeTime.js';

export interface DocumentTableOptions {
  /** Makes each document's link. Default `/d/<name>`; with an access link, one that keeps it. */
  documentHref?: (documentName: string) => string;
  /** Called by a row's delete button; without it rows have none (a read-only access link). */
  onDelete?: (document: DocumentSummary, trigger: HTMLButtonElement) => void;
}

export interface DocumentTable {
  element: HTMLTableElement;
  /** Shows these documents, most recently changed first; rows are updated in place so focus survives refreshes. */
  update(documents: readonly DocumentSummary[], now: Date): void;
  /** Moves the keyboard focus to the link of the row at `index` (clamped), or returns `false` when there are no rows. */
  focusRow(index: number): boolean;
  /** Where the row of this document is now, or -1. */
  indexOf(documentName: string): number;
}

interface Row {
  row: HTMLTableRowElement;
  link: HTMLAnchorElement;
  title: HTMLElement;
  name: HTMLElement;
  damaged: HTMLElement;
  updated: HTMLTimeElement;
  size: HTMLElement;
  peers: HTMLElement;
  /** The document the row shows now, for the delete button. */
  document: DocumentSummary;
}

const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The document list (`data-testid="document-list"`): one
 * `data-testid="document-item"` row per document with its title (the text of
 * its first heading, `document-title`) and name (`document-name`), last
 * change, size, the number of people in it now, and a delete button
 * (`document-delete`) when `onDelete` is given.
 */
export function createDocumentTable(options: DocumentTableOptions = {}): DocumentTable {
  const documentHref = options.documentHref ?? ((name: string) => `/d/${encodeURIComponent(name)}`);
  const { onDelete } = options;
  const body = h('tbody');
  const element = h(
    'table',
    { id: 'document-list', class: 'doc-table', 'data-testid': 'document-list' },
    h('caption', { class: 'visually-hidden' }, 'All documents'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'doc-table__name' }, 'Document'),
        h('th', { scope: 'col', class: 'doc-table__updated' }, 'Last change'),
        h('th', { scope: 'col', class: 'doc-table__size' }, 'Size'),
        h('th', { scope: 'col', class: 'doc-table__peers' }, 'People now'),
        onDelete && h('th', { scope: 'col', class: 'doc-table__actions' }, h('span', { class: 'visually-hidden' }, 'Actions')),
      ),
    ),
    body,
  );
  const rows = new Map<string, Row>();

  function createRow(document: DocumentSummary): Row {
    const title = h('span', { class: 'doc-table__title', 'data-testid': 'document-title' });
    const name = h('span', { class: 'doc-table__filename', 'data-testid': 'document-name' });
    const link = h(
      'a',
      { class: 'doc-table__link', href: documentHref(document.name), 'data-testid': 'document-link' },
      h('span', { class: 'doc-table__icon' }, icon('file')),
      h('span', { class: 'doc-table__label' }, title, name),
    );
    const damaged = h('span', { class: 'badge badge--danger', 'data-testid': 'document-damaged', hidden: true }, icon('warning'), 'Damaged');
    const updated = h('time', { 'data-testid': 'document-updated' });
    const size = h('span', { 'data-testid': 'document-size' });
    const peers = h('span', { class: 'peers', 'data-testid': 'document-peers' });
    const row = h(
      'tr',
      { class: 'doc-table__row', 'data-testid': 'document-item', 'data-document-name': document.name },
      h('td', { class: 'doc-table__name' }, h('div', { class: 'doc-table__name-inner' }, link, damaged)),
      h('td', { class: 'doc-table__updated' }, updated),
      h('td', { class: 'doc-table__size' }, size),
      h('td', { class: 'doc-table__peers' }, peers),
    );
    const entry: Row = { row, link, title, name, damaged, updated, size, peers, document };
    if (onDelete) {
      const remove = h(
        'button',
        {
          type: 'button',
          class: 'icon-button doc-table__delete',
          'aria-label': `Delete ${document.name}`,
          title: `Delete “${document.name}”`,
          'data-testid': 'document-delete',
        },
        icon('trash'),
      );
      remove.addEventListener('click', () => onDelete(entry.document, remove));
      row.append(h('td', { class: 'doc-table__actions' }, remove));
    }
    return entry;
  }

  function fill(row: Row, document: DocumentSummary, now: Date): void {
    row.document = document;
    row.row.classList.toggle('doc-table__row--damaged', document.damaged !== undefined);
    row.row.dataset['damaged'] = String(document.damaged !== undefined);
    // Without a heading the name is the title, shown once.
    setText(row.title, document.title ?? document.name);
    setText(row.name, document.title === null ? '' : document.name);
    row.name.hidden = document.title === null;
    row.link.title = document.title === null ? document.name : `${document.title} (${document.name})`;
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
          row = createRow(document);
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
    focusRow(index) {
      const count = body.children.length;
      if (count === 0) return false;
      body.children[Math.min(Math.max(index, 0), count - 1)]?.querySelector<HTMLAnchorElement>('.doc-table__link')?.focus();
      return true;
    },
    indexOf(documentName) {
      const row = rows.get(documentName);
      return row ? [...body.children].indexOf(row.row) : -1;
    },
  };
}

function setText(element: HTMLElement, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}
