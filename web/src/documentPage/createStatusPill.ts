import { h } from '../dom/h.js';
import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { SaveStatus } from '../editor/watchSaveStatus.js';
import { statusText } from './statusText.js';

/** The connection and save status indicator in the header. */
export interface StatusPill {
  element: HTMLElement;
  /** Shows a connection status. */
  set(status: ConnectionStatus): void;
  /** Shows a save status. */
  setSave(status: SaveStatus): void;
  /**
   * The connection is over for good (the server refused it, or syncing was stopped): shows
   * `offline` with these words from now on, whatever status comes after. `label` replaces
   * "Offline – changes kept on this device" where that would not be true.
   */
  stop(words: { label?: string; description: string }): void;
}

/**
 * A pill with a coloured dot and a few words: `data-testid="connection-status"`,
 * `data-status` is the `ConnectionStatus`, `data-save-status` the `SaveStatus`.
 * "Saved" appears only once the server has every change on disk. Announced
 * politely to screen readers. With `readOnly` (default `false`) it only says
 * whether the view is live, and has no `data-save-status`.
 */
export function createStatusPill(options: { readOnly?: boolean } = {}): StatusPill {
  const readOnly = options.readOnly ?? false;
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
  let stopped: { label?: string; description: string } | null = null;
  function render(): void {
    const words = statusText(connection, save, readOnly);
    element.dataset['status'] = connection;
    if (!readOnly) element.dataset['saveStatus'] = save;
    label.textContent = stopped?.label ?? words.label;
    detail.textContent = stopped?.label === undefined ? (words.detail ?? '') : '';
    element.title = stopped?.description ?? words.description;
  }
  render();
  return {
    element,
    set(status) {
      if (stopped) return;
      connection = status;
      render();
    },
    setSave(status) {
      save = status;
      render();
    },
    stop(words) {
      stopped = words;
      connection = 'offline';
      render();
    },
  };
}
