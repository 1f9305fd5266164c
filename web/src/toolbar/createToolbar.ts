import type { Editor } from '@tiptap/core';
import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import { isApplePlatform } from './isApplePlatform.js';
import { shortcutLabel } from './shortcutLabel.js';
import { TOOLBAR_GROUPS, type ToolbarAction } from './toolbarGroups.js';

/** A mounted toolbar; `destroy()` stops it following the editor. */
export interface Toolbar {
  element: HTMLElement;
  destroy(): void;
}

/**
 * The formatting toolbar for an editor: `role="toolbar"`, one tab stop,
 * arrow keys move between buttons (WAI-ARIA toolbar pattern). Buttons show
 * whether a mark or block is active (`aria-pressed`) and are disabled where
 * their command cannot run.
 */
export function createToolbar(editor: Editor, label = 'Formatting'): Toolbar {
  const apple = isApplePlatform(navigator);
  const buttons: { action: ToolbarAction; button: HTMLButtonElement }[] = [];
  const element = h('div', { role: 'toolbar', 'aria-label': label, 'aria-orientation': 'horizontal', class: 'toolbar', 'data-testid': 'toolbar' });

  TOOLBAR_GROUPS.forEach((group, index) => {
    if (index > 0) element.append(h('span', { class: 'toolbar__divider', role: 'separator', 'aria-orientation': 'vertical' }));
    for (const action of group) {
      const shortcut = shortcutLabel(action.shortcut, apple);
      const button = h(
        'button',
        {
          type: 'button',
          class: 'toolbar__button',
          'aria-label': action.label,
          'aria-keyshortcuts': action.shortcut.replace('Mod', apple ? 'Meta' : 'Control').replaceAll('-', '+'),
          title: `${action.label} (${shortcut})`,
          'data-testid': `toolbar-${action.id}`,
          tabindex: buttons.length === 0 ? 0 : -1,
        },
        'icon' in action.face ? icon(action.face.icon) : h('span', { class: 'toolbar__text', 'aria-hidden': 'true' }, action.face.text),
      );
      // Keep the editor's selection: a mousedown on the button would blur it first.
      button.addEventListener('mousedown', (event) => event.preventDefault());
      button.addEventListener('click', () => {
        // Commands change the document even when the editor is not editable (read-only, or after a content error).
        if (!editor.isEditable) return;
        action.run(editor);
      });
      buttons.push({ action, button });
      element.append(button);
    }
  });

  element.addEventListener('keydown', (event) => {
    const current = buttons.findIndex(({ button }) => button === document.activeElement);
    if (current < 0) return;
    const last = buttons.length - 1;
    const target =
      event.key === 'ArrowRight' ? (current === last ? 0 : current + 1)
      : event.key === 'ArrowLeft' ? (current === 0 ? last : current - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (target === null) return;
    event.preventDefault();
    focusButton(target);
  });

  function focusButton(index: number): void {
    buttons.forEach(({ button }, i) => button.setAttribute('tabindex', i === index ? '0' : '-1'));
    buttons[index]?.button.focus();
  }

  function refresh(): void {
    for (const { action, button } of buttons) {
      if (action.isActive) button.setAttribute('aria-pressed', String(action.isActive(editor)));
      // aria-disabled keeps the button focusable inside the toolbar, as the pattern recommends.
      const enabled = editor.isEditable && action.isEnabled(editor);
      button.setAttribute('aria-disabled', String(!enabled));
    }
  }

  editor.on('transaction', refresh);
  editor.on('focus', refresh);
  refresh();

  return {
    element,
    destroy() {
      editor.off('transaction', refresh);
      editor.off('focus', refresh);
    },
  };
}
