import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import { asSentence } from '../text/asSentence.js';
import { ApiError } from './ApiError.js';

export interface DeleteDialogOptions {
  /** Deletes the document; a rejection is shown in the dialog, which stays open. */
  delete: (documentName: string) => Promise<void>;
  /** Called once the document is gone (also when someone else deleted it first). */
  onDeleted: (documentName: string) => void;
}

export interface DeleteDialog {
  element: HTMLDialogElement;
  /** Asks whether to delete this document; `title` is its heading, when it has one. */
  open(documentName: string, title: string | null): void;
}

/**
 * "Delete “name”?": a modal `<dialog>` (`data-testid="delete-dialog"`) that
 * names the document and says the deletion reaches everyone, with Cancel
 * (focused first, so Enter does not delete by accident; Escape also cancels)
 * and Delete (`delete-confirm`).
 */
export function createDeleteDialog(options: DeleteDialogOptions): DeleteDialog {
  const heading = h('h2', { id: 'delete-dialog-title', class: 'dialog__title' });
  const text = h('p', { id: 'delete-dialog-text', class: 'dialog__text' });
  const error = h('p', { class: 'field-message field-message--error', role: 'alert', 'data-testid': 'delete-error', hidden: true });
  const cancel = h('button', { type: 'button', class: 'button', 'data-testid': 'delete-cancel', autofocus: true }, 'Cancel');
  const confirmLabel = h('span', {}, 'Delete');
  const confirm = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'delete-confirm' }, icon('trash'), confirmLabel);
  const element = h(
    'dialog',
    { class: 'dialog', 'aria-labelledby': 'delete-dialog-title', 'aria-describedby': 'delete-dialog-text', 'data-testid': 'delete-dialog' },
    h('div', { class: 'dialog__body' }, h('span', { class: 'dialog__icon' }, icon('trash')), h('div', {}, heading, text, error)),
    h('div', { class: 'dialog__actions' }, cancel, confirm),
  );
  let documentName = '';
  let busy = false;

  function setBusy(next: boolean): void {
    busy = next;
    confirm.disabled = next;
    cancel.disabled = next;
    confirmLabel.textContent = next ? 'Deleting…' : 'Delete';
  }

  cancel.addEventListener('click', () => element.close());
  // Escape must not close the dialog under a request that is still running.
  element.addEventListener('cancel', (event) => {
    if (busy) event.preventDefault();
  });
  confirm.addEventListener('click', () => {
    if (busy) return;
    const name = documentName;
    setBusy(true);
    error.hidden = true;
    options.delete(name).then(
      () => finish(name),
      (reason: unknown) => {
        setBusy(false);
        // Someone else was quicker: what the visitor wanted has happened.
        if (reason instanceof ApiError && reason.status === 404) {
          finish(name);
          return;
        }
        console.error(`Tandem: could not delete "${name}"`, reason);
        error.textContent = explain(reason);
        error.hidden = false;
        confirm.focus();
      },
    );
  });

  function finish(name: string): void {
    setBusy(false);
    element.close();
    options.onDeleted(name);
  }

  return {
    element,
    open(name, title) {
      documentName = name;
      heading.textContent = `Delete “${name}”?`;
      text.textContent = `${title ? `“${title}” will be` : 'It will be'} deleted for everyone, including anyone who has it open now. This can’t be undone.`;
      error.hidden = true;
      setBusy(false);
      element.showModal();
      cancel.focus();
    },
  };
}

function explain(reason: unknown): string {
  if (reason instanceof ApiError && reason.status === 401) {
    return 'Nothing was deleted: your access link has expired or is not valid. Ask for a new link.';
  }
  // fetch rejects with a TypeError when the server cannot be reached.
  if (reason instanceof TypeError) return 'Nothing was deleted: the server could not be reached. Check your connection and try again.';
  return `Nothing was deleted: ${asSentence(reason instanceof Error ? reason.message : String(reason))}`;
}
