import { h } from '../dom/h.js';
import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { SaveStatus } from '../editor/watchSaveStatus.js';
import { statusText } from './statusText.js';

/** The connection and save status indicator in the header. */
export interface StatusPill {
  element: HTMLElement;
  /** Shows a connection status; `description` replaces the default tooltip (e.g. why the server closed). */
  set(status: ConnectionStatus, description?: string): void;
  /** Shows a save status. */
  setSave(status: SaveStatus): void;
}

/**
 * A pill with a coloured dot and a few words: `data-testid="connection-status"`,
 * `data-status` is the `ConnectionStatus`, `data-save-status` the `SaveStatus`.
 * "Saved" appears only once the server has every change on disk. Announced
 * politely to screen readers.
 */
export function createStatusPill(): StatusPill {
  const label = h('span', { class: 'status-pill__label' });
  const detail = h('span', { class: 'status-pill__detail' });
  const text = h('span', { class: 'status-pill__text' }, label, detail);
  const element = h(
    'div',
    { class: 'status-pill', role: 'status', 'data-testid': 'connection-status' },
    h('span', { class: 'status-pill__dot', 'aria-hidden': 'true' }),
    text,
  );
  let connection: ConnectionStatus = 'connecting';
  let save: SaveStatus = 'offline';
  let override: string | undefined;
  function render(): void {
    const words = statusText(connection, save);
    element.dataset['status'] = connection;
    element.dataset['saveStatus'] = save;
    label.textContent = words.label;
    detail.textContent = words.detail ?? '';
    const description = words.description;
    element.title = override ?? description;
  }
  render();
  return {
    element,
    set(status, description) {
      connection = status;
      override = description;
      render();
    },
    setSave(status) {
      save = status;
      render();
    },
  };
}
