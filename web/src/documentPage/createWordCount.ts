import { h } from '../dom/h.js';

export interface WordCount {
  element: HTMLElement;
  /** Shows this count. */
  set(words: number): void;
  destroy(): void;
}

const numberFormat = new Intl.NumberFormat();

/**
 * "123 words" (`data-testid="word-count"`, `data-words` is the number). Not a
 * live region: in a busy document it would interrupt a screen-reader user
 * every time anyone paused typing. It is plain text in the header, read when
 * they move to it.
 */
export function createWordCount(): WordCount {
  const element = h('span', { class: 'word-count', 'data-testid': 'word-count' });
  return {
    element,
    set(words) {
      element.dataset['words'] = String(words);
      element.textContent = `${numberFormat.format(words)} ${words === 1 ? 'word' : 'words'}`;
    },
    destroy() {
      // Nothing to release; kept so the page treats every header control alike.
    },
  };
}
