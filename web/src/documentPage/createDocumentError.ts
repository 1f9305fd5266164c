import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/** The inline error shown instead of the editor (`data-testid="document-error"`). */
export function createDocumentError(title: string, detail: string): HTMLElement {
  return h(
    'section',
    { class: 'message-card message-card--error', role: 'alert', 'data-testid': 'document-error' },
    h('span', { class: 'message-card__icon' }, icon('warning')),
    h('h2', { class: 'message-card__title' }, title),
    h('p', { class: 'message-card__detail', 'data-testid': 'document-error-reason' }, detail),
    h('a', { class: 'button button--primary', href: '/' }, icon('arrowLeft'), 'All documents'),
  );
}
