import type { Editor } from '@tiptap/core';
import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import { normalizeLinkUrl } from './normalizeLinkUrl.js';

export interface LinkForm {
  element: HTMLFormElement;
  readonly isOpen: boolean;
  /**
   * Shows the form for the link at the caret (its address filled in) or for a new one,
   * under `anchor` (the toolbar's link button).
   */
  open(anchor: HTMLElement): void;
  /** Hides the form; with `restoreFocus` the editor gets the focus back, with its selection. */
  close(restoreFocus: boolean): void;
  destroy(): void;
}

/**
 * The small form that adds, changes or removes a link
 * (`data-testid="link-form"`): an address field (`link-url`), Apply
 * (`link-apply`) and Remove (`link-remove`, when the caret is in a link).
 * With a selection the selected text becomes the link; without one the
 * address is inserted as a linked text. Enter applies, Escape goes back to
 * the text unchanged.
 */
export function createLinkForm(editor: Editor): LinkForm {
  const input = h('input', {
    id: 'link-url',
    class: 'text-input',
    type: 'text',
    inputmode: 'url',
    placeholder: 'https://example.com',
    autocomplete: 'url',
    spellcheck: 'false',
    autocapitalize: 'off',
    'aria-describedby': 'link-error',
    'data-testid': 'link-url',
  });
  const apply = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'link-apply' }, 'Apply');
  const remove = h(
    'button',
    { type: 'button', class: 'icon-button', 'aria-label': 'Remove link', title: 'Remove link', 'data-testid': 'link-remove' },
    icon('unlink'),
  );
  const error = h('p', { id: 'link-error', class: 'field-message field-message--error', hidden: true });
  const element = h(
    'form',
    { class: 'popover link-form', role: 'dialog', 'aria-label': 'Link', novalidate: true, 'data-testid': 'link-form', hidden: true },
    h('label', { class: 'field-label', for: 'link-url' }, 'Link address'),
    h('div', { class: 'link-form__row' }, input, apply, remove),
    error,
  );
  let isOpen = false;

  // A click or the focus going elsewhere (Tab, a click in the text) leaves the link as it was.
  const onOutside = (event: Event): void => {
    if (event.target instanceof Node && element.contains(event.target)) return;
    close(false);
  };

  function open(anchor: HTMLElement): void {
    const inLink = editor.isActive('link');
    const href: unknown = editor.getAttributes('link')['href'];
    input.value = inLink && typeof href === 'string' ? href : '';
    remove.hidden = !inLink;
    showError(null);
    element.hidden = false;
    place(anchor);
    if (!isOpen) {
      document.addEventListener('pointerdown', onOutside);
      document.addEventListener('focusin', onOutside);
    }
    isOpen = true;
    input.focus();
    input.select();
  }

  /** Under the anchor, kept inside its positioned container. */
  function place(anchor: HTMLElement): void {
    const container = element.offsetParent;
    if (!(container instanceof HTMLElement)) return;
    const box = container.getBoundingClientRect();
    const target = anchor.getBoundingClientRect();
    const margin = 8;
    const left = Math.min(target.left - box.left, box.width - element.offsetWidth - margin);
    element.style.left = `${Math.max(margin, left)}px`;
  }

  function close(restoreFocus: boolean): void {
    if (!isOpen) return;
    isOpen = false;
    element.hidden = true;
    document.removeEventListener('pointerdown', onOutside);
    document.removeEventListener('focusin', onOutside);
    if (restoreFocus) editor.commands.focus();
  }

  function showError(text: string | null): void {
    error.hidden = text === null;
    error.textContent = text ?? '';
    input.setAttribute('aria-invalid', String(text !== null));
  }

  element.addEventListener('submit', (event) => {
    event.preventDefault();
    const href = normalizeLinkUrl(input.value);
    if (href === null) {
      showError('Enter a web address like example.com, or an e-mail address.');
      input.focus();
      return;
    }
    const chain = editor.chain().focus();
    const applied = editor.isActive('link')
      ? chain.extendMarkRange('link').setLink({ href }).run()
      : editor.state.selection.empty
        ? chain.insertContent({ type: 'text', text: href, marks: [{ type: 'link', attrs: { href } }] }).run()
        : chain.setLink({ href }).run();
    if (!applied) {
      showError('A link cannot go here.');
      input.focus();
      return;
    }
    close(false);
  });
  remove.addEventListener('click', () => {
    editor.chain().focus().extendMarkRange('link').unsetLink().run();
    close(false);
  });
  element.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close(true);
  });

  return {
    element,
    get isOpen() {
      return isOpen;
    },
    open,
    close,
    destroy() {
      document.removeEventListener('pointerdown', onOutside);
      document.removeEventListener('focusin', onOutside);
    },
  };
}
