/**
 * Class names of what remote peers look like in the editor. TipTap ships no
 * CSS for them; `styles/carets.css` does.
 */
export const CARET_CLASSES = {
  /** The coloured bar where a peer's cursor is. */
  caret: 'collaboration-carets__caret',
  /** The name tag above the bar; its text is the peer's name. */
  label: 'collaboration-carets__label',
  /** Inline highlight over a peer's selected text. */
  selection: 'collaboration-carets__selection',
} as const;
