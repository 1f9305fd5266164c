import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

export interface Notice {
  element: HTMLElement;
  show(text: string): void;
  hide(): void;
}

/** A banner under the toolbar for problems worth more than the status pill (`data-testid="connection-notice"`). */
export function createNotice(): Notice {
  const text = h('span', { class: 'notice__text' });
  const element = h('div', { class: 'notice', role: 'alert', 'data-testid': 'connection-notice', hidden: true }, icon('warning'), text);
  return {
    element,
    show(message) {
      text.textContent = message;
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
    },
  };
}
