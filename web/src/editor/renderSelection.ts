import type { DecorationAttrs } from '@tiptap/pm/view';
import { CARET_CLASSES } from './caretClasses.js';
import { isHexColor } from './isHexColor.js';

/** Decoration attributes for a peer's selected text: a translucent wash of their colour (see `carets.css`). */
export function renderSelection(awarenessUser: Record<string, unknown>): DecorationAttrs {
  const color = awarenessUser['color'];
  return {
    class: CARET_CLASSES.selection,
    ...(isHexColor(color) ? { style: `--caret-color: ${color}` } : {}),
  };
}
