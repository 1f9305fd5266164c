import type { DecorationAttrs } from '@tiptap/pm/view';
import { CARET_CLASSES } from './caretClasses.js';
import { normalizeHexColor } from './normalizeHexColor.js';

/** Decoration attributes for a peer's selected text: a translucent wash of their colour (see `carets.css`). */
export function renderSelection(awarenessUser: Record<string, unknown>): DecorationAttrs {
  const color = normalizeHexColor(awarenessUser['color']);
  return {
    class: CARET_CLASSES.selection,
    ...(color ? { style: `--caret-color: ${color}` } : {}),
  };
}
