import { createPopover } from '../dom/createPopover.js';
import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';

/** One way to save the document: a menu item (`data-testid="export-<id>"`). */
export interface ExportFormat {
  id: string;
  label: string;
  /** The file name ending shown beside the label, e.g. `.md`. */
  extension: string;
  run(): void;
}

export interface ExportMenu {
  element: HTMLElement;
  destroy(): void;
}

/**
 * "Export": a menu button (`data-testid="export-button"`) with one item per
 * format (`export-menu`, WAI-ARIA menu button pattern): Enter, Space or
 * ArrowDown open it on the first item, ArrowUp on the last; arrows, Home and
 * End move, Escape closes it and returns to the button, Tab leaves it.
 */
export function createExportMenu(formats: readonly ExportFormat[]): ExportMenu {
  const trigger = h(
    'button',
    { type: 'button', class: 'button button--ghost export-button', 'aria-haspopup': 'menu', title: 'Export a copy of this document', 'data-testid': 'export-button' },
    icon('download'),
    h('span', { class: 'button__label' }, 'Export'),
  );
  const items = formats.map((format) => {
    const item = h(
      'button',
      { type: 'button', role: 'menuitem', class: 'menu__item', tabindex: -1, 'data-testid': `export-${format.id}` },
      h('span', { class: 'menu__label' }, format.label),
      h('span', { class: 'menu__hint' }, format.extension),
    );
    item.addEventListener('click', () => {
      popover.close(true);
      format.run();
    });
    return item;
  });
  const panel = h(
    'div',
    { id: 'export-menu', class: 'popover menu', role: 'menu', 'aria-label': 'Export as', 'data-testid': 'export-menu' },
    h('p', { class: 'menu__heading', 'aria-hidden': 'true' }, 'Download as'),
    ...items,
  );
  const popover = createPopover({
    trigger,
    panel,
    onOpen: (key) => {
      if (key === 'ArrowUp') focusItem(items.length - 1);
      // Opened with the mouse, the menu still takes the focus, so the arrow keys work at once.
      else focusItem(0);
    },
  });

  function focusItem(index: number): void {
    const count = items.length;
    items[((index % count) + count) % count]?.focus();
  }

  trigger.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    if (popover.isOpen) focusItem(event.key === 'ArrowDown' ? 0 : items.length - 1);
    else popover.open(event.key);
  });
  panel.addEventListener('keydown', (event) => {
    const current = items.findIndex((item) => item === document.activeElement);
    const target =
      event.key === 'ArrowDown' ? current + 1
      : event.key === 'ArrowUp' ? current - 1
      : event.key === 'Home' ? 0
      : event.key === 'End' ? items.length - 1
      : null;
    if (event.key === 'Tab') {
      popover.close(false);
      return;
    }
    if (target === null) return;
    event.preventDefault();
    focusItem(target);
  });

  return {
    element: h('div', { class: 'popover-anchor' }, trigger, panel),
    destroy() {
      popover.close(false);
      popover.destroy();
    },
  };
}
