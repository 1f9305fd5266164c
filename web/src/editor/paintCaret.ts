import type { CollabUser } from './CollabUser.js';
import { CARET_CLASSES } from './caretClasses.js';

/** Sets a remote caret's colour and name tag (shared by `renderCaret` and `updateCarets`). */
export function paintCaret(caret: HTMLElement, user: CollabUser): void {
  caret.style.borderColor = user.color;
  caret.style.setProperty('--caret-color', user.color);
  const label = caret.querySelector<HTMLElement>(`.${CARET_CLASSES.label}`);
  if (!label) return;
  label.style.backgroundColor = user.color;
  if (label.textContent !== user.name) label.textContent = user.name;
}
