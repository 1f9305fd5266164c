import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/**
 * "Read only" in the header, for a visitor whose access link lets them read
 * but not change (`data-testid="read-only-badge"`). The label says what that
 * means; narrow screens show only the icon (see documentPage.css).
 */
export function createReadOnlyBadge(description: string): HTMLElement {
  return h(
    'span',
    { class: 'badge badge--neutral read-only-badge', role: 'note', 'aria-label': `Read only. ${description}`, title: description, 'data-testid': 'read-only-badge' },
    icon('eye'),
    h('span', { class: 'read-only-badge__label', 'aria-hidden': 'true' }, 'Read only'),
  );
}
