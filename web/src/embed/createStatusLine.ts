import { statusText } from '../documentPage/statusText.js';
import { transportNote } from '../documentPage/transportNote.js';
import { h } from '../dom/h.js';
import { setIfChanged } from '../dom/setIfChanged.js';
import type { PresenceUser } from '../editor/readPresence.js';
import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { SaveStatus } from '../editor/watchSaveStatus.js';
import type { Transport } from '../transport/Transport.js';
import { initials } from '../user/initials.js';

/** Avatars shown before a "+N"; the line stays one row even in a narrow frame. */
const AVATARS_SHOWN = 4;

/** The embedded editor's one line of chrome: how the connection and saving stand, and who is here. */
export interface StatusLine {
  element: HTMLElement;
  setStatus(status: ConnectionStatus): void;
  setSaveStatus(status: SaveStatus): void;
  /** How the connection travels: over the HTTP fallback the line says so. */
  setTransport(transport: Transport | null): void;
  setPresence(users: PresenceUser[]): void;
  /** The connection is over for good: shows `label` (and `description` as its tooltip) from now on. */
  stop(words: { label: string; description: string }): void;
}

/**
 * A compact status line (`data-testid="tandem-status"`, with `data-status`,
 * `data-save-status` and, once connected, `data-transport`): a coloured dot and
 * the same words as the app's status pill ("Saved" only once the server has
 * every change on disk; "Saved · HTTP fallback" where WebSockets are blocked), then
 * one avatar per person (`data-testid="tandem-presence-user"`, name in the
 * tooltip). With `readOnly` it only says whether the view is live.
 */
export function createStatusLine(options: { readOnly: boolean }): StatusLine {
  const label = h('span', { class: 'tandem-editor__status-label' });
  const state = h('span', { class: 'tandem-editor__state', role: 'status' }, h('span', { class: 'tandem-editor__status-dot', 'aria-hidden': 'true' }), label);
  const presence = h('ul', { class: 'tandem-editor__presence', 'data-testid': 'tandem-presence' });
  const element = h('div', { class: 'tandem-editor__status', 'data-testid': 'tandem-status' }, state, presence);
  let connection: ConnectionStatus = 'connecting';
  let save: SaveStatus = 'offline';
  let transport: Transport | null = null;
  let stopped: { label: string; description: string } | null = null;

  function render(): void {
    const words = statusText(connection, save, options.readOnly);
    const note = stopped ? null : transportNote(connection, transport);
    // Only what changed is written: a transport that opens before the status changes must not re-announce it.
    setIfChanged(element.dataset, 'status', connection);
    if (!options.readOnly) setIfChanged(element.dataset, 'saveStatus', save);
    if (transport) setIfChanged(element.dataset, 'transport', transport);
    setIfChanged(label, 'textContent', stopped?.label ?? `${words.label}${note?.detail ?? ''}`);
    setIfChanged(state, 'title', stopped?.description ?? (note ? `${words.description} ${note.description}` : words.description));
  }
  render();

  return {
    element,
    setStatus(status) {
      if (stopped) return;
      connection = status;
      render();
    },
    setSaveStatus(status) {
      save = status;
      render();
    },
    setTransport(next) {
      transport = next;
      render();
    },
    setPresence(users) {
      const shown = users.slice(0, AVATARS_SHOWN).map((user) => {
        const name = user.isSelf ? `${user.name} (you)` : user.name;
        const avatar = h(
          'li',
          { class: 'tandem-editor__avatar', title: name, 'data-testid': 'tandem-presence-user', 'data-name': user.name, 'data-self': String(user.isSelf) },
          initials(user.name),
        );
        avatar.style.backgroundColor = user.color;
        return avatar;
      });
      const hidden = users.slice(AVATARS_SHOWN);
      const more = hidden.length > 0 && h('li', { class: 'tandem-editor__avatar tandem-editor__avatar--more', title: hidden.map((user) => user.name).join(', ') }, `+${hidden.length}`);
      presence.replaceChildren(...shown, ...(more ? [more] : []));
      presence.setAttribute('aria-label', `${users.length === 1 ? '1 person' : `${users.length} people`} here: ${users.map((user) => (user.isSelf ? `${user.name} (you)` : user.name)).join(', ')}`);
    },
    stop(words) {
      stopped = words;
      connection = 'offline';
      render();
    },
  };
}
