import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/** How long "Link copied" stays before the button reads "Copy link" again. */
const CONFIRMATION_MS = 2000;

export interface CopyLinkButton {
  element: HTMLButtonElement;
  /** Cancels the pending label reset. */
  destroy(): void;
}

/**
 * Copies the document's address so it can be shared. Pass the page's own
 * address: on a server that requires access links it carries the token, so
 * whoever gets the link has the same access (`title` says which).
 */
export function createCopyLinkButton(url: string, title = 'Copy a link to this document'): CopyLinkButton {
  const label = h('span', { class: 'button__label' }, 'Copy link');
  const element = h(
    'button',
    { type: 'button', class: 'button button--ghost copy-link', title, 'data-testid': 'copy-link' },
    icon('link'),
    label,
  );
  let resetTimer = 0;

  function show(text: string): void {
    label.textContent = text;
    window.clearTimeout(resetTimer);
    resetTimer = window.setTimeout(() => (label.textContent = 'Copy link'), CONFIRMATION_MS);
  }

  element.addEventListener('click', () => {
    copyText(url).then(
      () => show('Link copied'),
      (error: unknown) => {
        console.error('Tandem: could not copy the link', error);
        show('Copy failed');
      },
    );
  });

  return {
    element,
    destroy() {
      window.clearTimeout(resetTimer);
    },
  };
}

/** The Clipboard API exists only on secure origins; a self-hosted server on plain http gets the old way. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard) return navigator.clipboard.writeText(text);
  const field = h('textarea', { class: 'visually-hidden', readonly: true });
  field.value = text;
  document.body.append(field);
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  if (!copied) throw new Error('the browser refused to copy');
}
