import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/**
 * What a `<tandem-editor>` shows instead of the document when it cannot open
 * it (`data-testid="tandem-error"`, `data-code` says why): a title and one or
 * two sentences, announced as an alert.
 */
export function createErrorNotice(words: { title: string; message: string; tone: 'access' | 'error'; code: string }): HTMLElement {
  return h(
    'div',
    { class: `tandem-editor__error tandem-editor__error--${words.tone}`, role: 'alert', 'data-testid': 'tandem-error', 'data-code': words.code },
    h('span', { class: 'tandem-editor__error-icon' }, icon(words.tone === 'access' ? 'lock' : 'warning')),
    h('span', { class: 'tandem-editor__error-text' }, h('strong', { class: 'tandem-editor__error-title' }, words.title), ' ', words.message),
  );
}
