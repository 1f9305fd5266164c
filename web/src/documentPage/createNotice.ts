import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/** A button in the notice, for the one thing to do about it. */
export interface NoticeAction {
  label: string;
  onClick: () => void;
}

export interface Notice {
  element: HTMLElement;
  /** Shows `text`, with a button when there is something to do about it (replacing any earlier notice). */
  show(text: string, action?: NoticeAction): void;
  hide(): void;
}

/**
 * A banner under the toolbar for problems worth more than the status pill
 * (`data-testid="connection-notice"`, its button `connection-notice-action`).
 */
export function createNotice(): Notice {
  const text = h('span', { class: 'notice__text' });
  const button = h('button', { type: 'button', class: 'button notice__action', 'data-testid': 'connection-notice-action', hidden: true });
  const element = h('div', { class: 'notice', role: 'alert', 'data-testid': 'connection-notice', hidden: true }, icon('warning'), text, button);
  let onClick: (() => void) | null = null;
  button.addEventListener('click', () => onClick?.());
  return {
    element,
    show(message, action) {
      text.textContent = message;
      onClick = action?.onClick ?? null;
      button.textContent = action?.label ?? '';
      button.hidden = !action;
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
    },
  };
}
