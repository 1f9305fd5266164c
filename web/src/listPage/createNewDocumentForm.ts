import { checkDocumentName, DOCUMENT_NAME_MAX_LENGTH, DOCUMENT_NAME_RULE } from '../../../common/documentName.js';
import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import { asSentence } from '../text/asSentence.js';
import { randomDocumentName } from './randomDocumentName.js';

export interface NewDocumentFormOptions {
  /** Called with a valid name when the form is submitted. */
  onCreate: (documentName: string) => void;
  /** Whether a document of this name exists already (the form then says it will open it). */
  exists: (documentName: string) => boolean;
  /**
   * The names the visitor's access link covers: `covers` decides, `description` says which in
   * words (see `describeCoverage`) for the hint and for the error on any other name.
   * Default: every valid name.
   */
  coverage?: { covers: (documentName: string) => boolean; description: string };
  /** Suggests a name for the shuffle button. Default `randomDocumentName`; `null` hides the button. */
  suggest?: (() => string) | null;
}

export interface NewDocumentForm {
  element: HTMLFormElement;
  /** Re-checks the current name, e.g. after the document list changed. */
  refresh(): void;
}

/**
 * "New document": a name field checked live with `checkDocumentName` (and
 * what the access link covers), a button that suggests a name, and a submit
 * button that opens `/d/<name>`.
 */
export function createNewDocumentForm(options: NewDocumentFormOptions): NewDocumentForm {
  const suggestName = options.suggest === undefined ? () => randomDocumentName() : options.suggest;
  const input = h('input', {
    id: 'new-document-name',
    class: 'text-input',
    type: 'text',
    name: 'documentName',
    placeholder: 'e.g. team-notes',
    maxlength: DOCUMENT_NAME_MAX_LENGTH,
    autocomplete: 'off',
    autocapitalize: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'new-document-hint new-document-error',
    'data-testid': 'new-document-name',
  });
  const suggest = h(
    'button',
    { type: 'button', class: 'icon-button input-group__button', 'aria-label': 'Suggest a name', title: 'Suggest a name', 'data-testid': 'suggest-document-name', hidden: !suggestName },
    icon('shuffle'),
  );
  const submitLabel = h('span', {}, 'Create');
  const submit = h('button', { type: 'submit', class: 'button button--primary', disabled: true, 'data-testid': 'new-document-submit' }, icon('plus'), submitLabel);
  const hint = h('p', { id: 'new-document-hint', class: 'field-message', 'data-testid': 'new-document-hint' });
  const error = h('p', { id: 'new-document-error', class: 'field-message field-message--error', hidden: true, 'data-testid': 'new-document-error' });

  const element = h(
    'form',
    { class: 'new-document card', 'data-testid': 'new-document-form', novalidate: true, 'aria-labelledby': 'new-document-heading' },
    h('h2', { id: 'new-document-heading', class: 'card__title' }, 'New document'),
    h('label', { class: 'field-label', for: 'new-document-name' }, 'Name'),
    h('div', { class: 'new-document__row' }, h('div', { class: 'input-group' }, input, suggest), submit),
    hint,
    error,
  );

  /** Why `name` cannot be opened, or `null` when it can. */
  function problem(name: string): string | null {
    const check = checkDocumentName(name);
    if (!check.ok) return asSentence(check.reason);
    const { coverage } = options;
    if (coverage && !coverage.covers(name)) return `Your access link does not cover this name. It covers ${coverage.description}.`;
    return null;
  }

  function refresh(): void {
    const name = input.value;
    const why = problem(name);
    const exists = why === null && options.exists(name);
    const showError = why !== null && name.length > 0;
    submit.disabled = why !== null;
    submitLabel.textContent = exists ? 'Open' : 'Create';
    input.setAttribute('aria-invalid', String(showError));
    error.hidden = !showError;
    error.textContent = why ?? '';
    hint.hidden = showError;
    hint.textContent =
      exists ? `“${name}” already exists; this opens it.`
      : options.coverage ? `Use ${DOCUMENT_NAME_RULE}. Your access link covers ${options.coverage.description}.`
      : `Use ${DOCUMENT_NAME_RULE}.`;
  }

  input.addEventListener('input', refresh);
  suggest.addEventListener('click', () => {
    if (!suggestName) return;
    input.value = suggestName();
    refresh();
    input.focus();
  });
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value;
    if (problem(name) === null) options.onCreate(name);
    else refresh();
  });
  refresh();

  return { element, refresh };
}
