import { h } from './h.js';
import { icon, type IconName } from './icon.js';

export interface MessageCardOptions {
  title: string;
  detail: string;
  /** `error` for something that went wrong, `access` for "you need (another) link": calmer, with a lock. */
  tone: 'error' | 'access';
  /** `data-testid` of the card; its detail is `<testId>-reason`. */
  testId: string;
  /** Why the card is shown, for tests and styles (`data-reason`), e.g. `token-expired`. */
  reason?: string;
  /** The picture at the top. Default: a lock for `access`, a warning sign for `error`. */
  icon?: IconName;
  /** A way on, e.g. back to the document list. */
  action?: { href: string; label: string; icon: IconName };
}

/** A centred card that stands in for content that cannot be shown, announced as an alert. */
export function createMessageCard(options: MessageCardOptions): HTMLElement {
  return h(
    'section',
    { class: `message-card message-card--${options.tone}`, role: 'alert', 'data-testid': options.testId, 'data-reason': options.reason },
    h('span', { class: 'message-card__icon' }, icon(options.icon ?? (options.tone === 'access' ? 'lock' : 'warning'))),
    h('h2', { class: 'message-card__title' }, options.title),
    h('p', { class: 'message-card__detail', 'data-testid': `${options.testId}-reason` }, options.detail),
    options.action && h('a', { class: 'button button--primary', href: options.action.href }, icon(options.action.icon), options.action.label),
  );
}
