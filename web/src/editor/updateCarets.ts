import type { CollabUser } from './CollabUser.js';
import { CARET_CLASSES } from './caretClasses.js';
import { paintCaret } from './paintCaret.js';

/** Repaints the carets of one peer already on screen, after they changed their name or colour. */
export function updateCarets(root: HTMLElement, clientId: number, user: CollabUser): void {
  for (const caret of root.querySelectorAll<HTMLElement>(`.${CARET_CLASSES.caret}[data-client-id="${clientId}"]`)) {
    paintCaret(caret, user);
  }
}
