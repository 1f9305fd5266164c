import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import { IMPORT_FILE_TYPES } from './importFormat.js';

export interface ImportButtonOptions {
  /** Imports the chosen file and resolves with the new document's name; a rejection's message is shown as is. */
  import: (file: File) => Promise<string>;
  /** Called with the new document's name, e.g. to open it. */
  onImported: (documentName: string) => void;
}

export interface ImportButton {
  element: HTMLElement;
}

/**
 * "Import a file": a button (`data-testid="import-button"`) that opens the
 * file picker (`import-file-input`, Markdown and HTML files), then a status
 * line while the file is imported, and the reason if it could not be
 * (`import-error`).
 */
export function createImportButton(options: ImportButtonOptions): ImportButton {
  const input = h('input', {
    type: 'file',
    class: 'visually-hidden',
    accept: [...IMPORT_FILE_TYPES, 'text/markdown', 'text/html'].join(','),
    tabindex: -1,
    'aria-hidden': 'true',
    'data-testid': 'import-file-input',
  });
  const label = h('span', {}, 'Import a file');
  const button = h(
    'button',
    { type: 'button', class: 'button', 'aria-describedby': 'import-hint', 'data-testid': 'import-button' },
    icon('upload'),
    label,
  );
  const hint = h('span', { id: 'import-hint', class: 'import__hint' }, 'Markdown (.md) or HTML (.html)');
  const status = h('p', { class: 'field-message import__status', role: 'status', 'data-testid': 'import-status' });
  const error = h('p', { class: 'field-message field-message--error', role: 'alert', 'data-testid': 'import-error', hidden: true });
  const element = h('div', { class: 'import' }, h('div', { class: 'import__row' }, button, hint, input), status, error);

  button.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    // The same file can be picked again after a failure.
    input.value = '';
    if (!file) return;
    button.disabled = true;
    label.textContent = 'Importing…';
    status.textContent = `Importing “${file.name}”…`;
    error.hidden = true;
    options.import(file).then(
      (documentName) => {
        status.textContent = `Imported “${file.name}” as “${documentName}”. Opening it…`;
        options.onImported(documentName);
      },
      (reason: unknown) => {
        console.error(`Tandem: could not import "${file.name}"`, reason);
        button.disabled = false;
        label.textContent = 'Import a file';
        status.textContent = '';
        error.textContent = reason instanceof Error ? reason.message : String(reason);
        error.hidden = false;
        button.focus();
      },
    );
  });

  return { element };
}
