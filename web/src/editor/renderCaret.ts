import { CARET_CLASSES } from './caretClasses.js';
import { paintCaret } from './paintCaret.js';
import { readCollabUser } from './readCollabUser.js';

/**
 * Builds a remote caret: a bar in the peer's colour with their name above it.
 * `data-client-id` lets `updateCarets` repaint it in place when the peer
 * renames themselves: ProseMirror keys caret widgets by client id and keeps
 * the old element, so the old name would stay until the page reloads.
 */
export function renderCaret(awarenessUser: Record<string, unknown>): HTMLElement {
  const user = readCollabUser(awarenessUser) ?? { name: 'Anonymous', color: '#6b7280' };
  const caret = document.createElement('span');
  caret.className = CARET_CLASSES.caret;
  const clientId = awarenessUser['clientId'];
  if (typeof clientId === 'number') caret.dataset['clientId'] = String(clientId);
  const label = document.createElement('span');
  label.className = CARET_CLASSES.label;
  label.setAttribute('aria-hidden', 'true');
  caret.append(label);
  paintCaret(caret, user);
  return caret;
}
