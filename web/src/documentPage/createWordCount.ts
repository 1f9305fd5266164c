import { h } from '../dom/h.js';

/** How long the count must stay still before screen readers hear it: not on every keystroke. */
const ANNOUNCE_AFTER_MS = 2000;

export interface WordCount {
  element: HTMLElement;
  /** Shows this count (at once), and announces it once changes pause. */
  set(words: number): void;
  destroy(): void;
}

const numberFormat = new Intl.NumberFormat();

/**
 * "123 words" (`data-testid="word-count"`, `data-words` is the number). The
 * visible text follows every change; a polite live region repeats it only
 * once typing (anyone's) has paused, so screen readers are told without
 * being interrupted at every word.
 */
export function createWordCount(): WordCount {
  const visible = h('span', { 'aria-hidden': 'true' });
  const spoken = h('span', { class: 'visually-hidden', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const element = h('span', { class: 'word-count', 'data-testid': 'word-count' }, visible, spoken);
  let timer = 0;
  let text = '';

  return {
    element,
    set(words) {
      const next = `${numberFormat.format(words)} ${words === 1 ? 'word' : 'words'}`;
      element.dataset['words'] = String(words);
      if (next === text) return;
      const first = text === '';
      text = next;
      visible.textContent = next;
      window.clearTimeout(timer);
      // The count on opening is read with the page, not announced.
      if (first) spoken.textContent = next;
      else timer = window.setTimeout(() => (spoken.textContent = next), ANNOUNCE_AFTER_MS);
    },
    destroy() {
      window.clearTimeout(timer);
    },
  };
}
