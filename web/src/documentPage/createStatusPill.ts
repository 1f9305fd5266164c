import { h } from '../dom/h.js';
import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import { STATUS_TEXT } from './statusText.js';

/** The connection status indicator in the header. */
export interface StatusPill {
  element: HTMLElement;
  /** Shows a status; `description` replaces the default tooltip (e.g. why the server closed). */
  set(status: ConnectionStatus, description?: string): void;
}

/**
 * A pill with a coloured dot and a word: `data-testid="connection-status"`,
 * `data-status` is the current `ConnectionStatus`. Announced politely to screen readers.
 */
export function createStatusPill(): StatusPill {
  const text = h('span', { class: 'status-pill__text' });
  const element = h(
    'div',
    { class: 'status-pill', role: 'status', 'data-testid': 'connection-status' },
    h('span', { class: 'status-pill__dot', 'aria-hidden': 'true' }),
    text,
  );
  return {
    element,
    set(status, description) {
      element.dataset['status'] = status;
      text.textContent = STATUS_TEXT[status].label;
      element.title = description ?? STATUS_TEXT[status].description;
    },
  };
}
