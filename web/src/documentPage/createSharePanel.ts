import { copyText } from '../dom/copyText.js';
import { createPopover } from '../dom/createPopover.js';
import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/** How long "Copied" stays before the button reads "Copy link" again. */
const CONFIRMATION_MS = 2000;

export interface SharePanel {
  /** The Share button with its panel. */
  element: HTMLElement;
  /** Closes the panel and cancels the pending label reset. */
  destroy(): void;
}

/**
 * "Share": a button (`data-testid="share-button"`) that opens a small panel
 * (`share-panel`) with the document's link (`share-link`), a Copy button
 * (`copy-link`) that says whether it worked, and `sentence`: who can use the
 * link. On a server that requires access links, pass a `url` that carries
 * the page's token, so whoever gets the link has the same access.
 */
export function createSharePanel(url: string, sentence: string): SharePanel {
  const trigger = h(
    'button',
    { type: 'button', class: 'button button--ghost share-button', 'aria-haspopup': 'dialog', title: 'Share this document', 'data-testid': 'share-button' },
    icon('share'),
    h('span', { class: 'button__label' }, 'Share'),
  );
  const field = h('input', {
    id: 'share-link',
    class: 'text-input share-panel__link',
    type: 'text',
    readonly: true,
    value: url,
    spellcheck: 'false',
    'aria-describedby': 'share-sentence',
    'data-testid': 'share-link',
  });
  const copyLabel = h('span', {}, 'Copy link');
  const copy = h('button', { type: 'button', class: 'button button--primary share-panel__copy', 'data-testid': 'copy-link' }, icon('link'), copyLabel);
  const feedback = h('p', { class: 'visually-hidden', role: 'status' });
  const panel = h(
    'div',
    { id: 'share-panel', class: 'popover share-panel', role: 'dialog', 'aria-labelledby': 'share-panel-title', 'data-testid': 'share-panel' },
    h('h2', { id: 'share-panel-title', class: 'popover__title' }, 'Share this document'),
    h('p', { id: 'share-sentence', class: 'share-panel__sentence', 'data-testid': 'share-sentence' }, sentence),
    h('label', { class: 'field-label', for: 'share-link' }, 'Link'),
    h('div', { class: 'share-panel__row' }, field, copy),
    feedback,
  );
  let resetTimer = 0;
  const popover = createPopover({
    trigger,
    panel,
    onOpen: () => copy.focus(),
  });

  function show(text: string, announcement: string): void {
    copyLabel.textContent = text;
    feedback.textContent = announcement;
    window.clearTimeout(resetTimer);
    resetTimer = window.setTimeout(() => {
      copyLabel.textContent = 'Copy link';
      feedback.textContent = '';
    }, CONFIRMATION_MS);
  }

  field.addEventListener('focus', () => field.select());
  copy.addEventListener('click', () => {
    copyText(url).then(
      () => show('Copied', 'Link copied to the clipboard.'),
      (error: unknown) => {
        console.error('Tandem: could not copy the link', error);
        // The link is selected in the field, ready to copy by hand.
        field.focus();
        show('Copy failed', 'Could not copy the link. It is selected: copy it with your keyboard.');
      },
    );
  });

  return {
    element: h('div', { class: 'popover-anchor' }, trigger, panel),
    destroy() {
      window.clearTimeout(resetTimer);
      popover.close(false);
      popover.destroy();
    },
  };
}
