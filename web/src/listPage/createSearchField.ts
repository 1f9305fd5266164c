import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

export interface SearchField {
  element: HTMLElement;
  input: HTMLInputElement;
  /** What is typed now, trimmed. */
  readonly query: string;
}

/**
 * "Search documents": a search box (`data-testid="document-search"`) that
 * calls `onInput` on every change; Escape clears it.
 */
export function createSearchField(onInput: (query: string) => void): SearchField {
  const input = h('input', {
    id: 'document-search',
    class: 'text-input search__input',
    type: 'search',
    placeholder: 'Search by name or title',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-label': 'Search documents by name or title',
    'aria-controls': 'document-list',
    'data-testid': 'document-search',
  });
  const element = h('div', { class: 'search', role: 'search' }, h('span', { class: 'search__icon' }, icon('search')), input);
  const query = () => input.value.trim();
  input.addEventListener('input', () => onInput(query()));
  input.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || input.value === '') return;
    // Chrome clears a search box on Escape by itself; other browsers do not.
    event.preventDefault();
    input.value = '';
    onInput('');
  });
  return {
    element,
    input,
    get query() {
      return query();
    },
  };
}
