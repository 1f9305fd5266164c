import { h } from '../dom/h.js';
import { setIfChanged } from '../dom/setIfChanged.js';
import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { SaveStatus } from '../editor/watchSaveStatus.js';
import type { Transport } from '../transport/Transport.js';
import { statusText } from './statusText.js';
import { transportNote } from './transportNote.js';

/** The connection and save status indicator in the header. */
export interface StatusPill {
  element: HTMLElement;
  /** Shows a connection status. */
  set(status: ConnectionStatus): void;
  /** Shows a save status. */
  setSave(status: SaveStatus): void;
  /** Shows how the connection travels (while connected over the HTTP fallback, it says so). */
  setTransport(transport: Transport | null): void;
  /**
   * The connection is over for good (the server refused it, or syncing was stopped): shows
   * `offline` with these words from now on, whatever status comes after. `label` replaces
   * "Offline – changes kept on this device" where that would not be true.
   */
  stop(words: { label?: string; description: string }): void;
}

/**
 * A pill with a coloured dot and a few words: `data-testid="connection-status"`,
 * `data-status` is the `ConnectionStatus`, `data-save-status` the `SaveStatus`,
 * `data-transport` the `Transport` (once a connection opened).
 * "Saved" appears only once the server has every change on disk; over the HTTP
 * fallback, " · HTTP fallback" follows, with the reason in the tooltip. Announced
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
  let transport: Transport | null = null;
  let stopped: { label?: string; description: string } | null = null;
  function render(): void {
    const words = statusText(connection, save, readOnly);
    const note = stopped ? null : transportNote(connection, transport);
    // Only what changed is written: a transport that opens before the status changes must not re-announce it.
    setIfChanged(element.dataset, 'status', connection);
    if (!readOnly) setIfChanged(element.dataset, 'saveStatus', save);
    if (transport) setIfChanged(element.dataset, 'transport', transport);
    setIfChanged(label, 'textContent', stopped?.label ?? words.label);
    setIfChanged(detail, 'textContent', stopped?.label === undefined ? `${words.detail ?? ''}${note?.detail ?? ''}` : '');
    setIfChanged(element, 'title', stopped?.description ?? (note ? `${words.description} ${note.description}` : words.description));
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
    setTransport(next) {
      transport = next;
      render();
    },
    stop(words) {
      stopped = words;
      connection = 'offline';
      render();
    },
  };
}
