import type { Editor } from '@tiptap/core';
import { h } from '../dom/h.js';
import { icon } from '../dom/icon.js';
import { createLinkForm } from './createLinkForm.js';
import { isApplePlatform } from './isApplePlatform.js';
import { shortcutLabel } from './shortcutLabel.js';
import { TOOLBAR_GROUPS, type ToolbarAction, type ToolbarContext } from './toolbarGroups.js';

/** A mounted toolbar; `destroy()` stops it following the editor. */
export interface Toolbar {
  /** The toolbar and its link form: mount it where the form may drop down below the buttons. */
  element: HTMLElement;
  /** Opens the link form for the selection, e.g. on Mod-K. */
  openLinkForm(): void;
  destroy(): void;
}

/**
 * The formatting toolbar for an editor: `role="toolbar"`, one tab stop,
 * arrow keys move between buttons (WAI-ARIA toolbar pattern). Buttons show
 * whether a mark or block is active (`aria-pressed`) and are disabled where
 * their command cannot run; the table controls show only in a table. The
 * link button opens a small form (see `createLinkForm`).
 */
export function createToolbar(editor: Editor, label = 'Formatting'): Toolbar {
  const apple = isApplePlatform(navigator);
  const buttons: { action: ToolbarAction; button: HTMLButtonElement }[] = [];
  const groups: { divider: HTMLElement | null; members: HTMLButtonElement[] }[] = [];
  const toolbar = h('div', { role: 'toolbar', 'aria-label': label, 'aria-orientation': 'horizontal', class: 'toolbar', 'data-testid': 'toolbar' });
  const linkForm = createLinkForm(editor);
  const context: ToolbarContext = { openLinkForm };

  TOOLBAR_GROUPS.forEach((group, index) => {
    const divider = index > 0 ? h('span', { class: 'toolbar__divider', role: 'separator', 'aria-orientation': 'vertical' }) : null;
    if (divider) toolbar.append(divider);
    const members: HTMLButtonElement[] = [];
    for (const action of group) {
      const shortcut = action.shortcut === undefined ? null : shortcutLabel(action.shortcut, apple);
      const button = h(
        'button',
        {
          type: 'button',
          class: 'toolbar__button',
          // A button showing text ("H1") says it too, so it can be asked for by what it shows (WCAG 2.5.3).
          'aria-label': 'text' in action.face ? `${action.face.text}: ${action.label}` : action.label,
          'aria-keyshortcuts': action.shortcut?.replace('Mod', apple ? 'Meta' : 'Control').replaceAll('-', '+'),
          title: shortcut === null ? action.label : `${action.label} (${shortcut})`,
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
        action.run(editor, context);
      });
      buttons.push({ action, button });
      members.push(button);
      toolbar.append(button);
    }
    groups.push({ divider, members });
  });
  const element = h('div', { class: 'toolbar-host' }, toolbar, linkForm.element);

  const visibleButtons = () => buttons.map(({ button }) => button).filter((button) => !button.hidden);

  toolbar.addEventListener('keydown', (event) => {
    const shown = visibleButtons();
    const current = shown.findIndex((button) => button === document.activeElement);
    if (current < 0) return;
    const last = shown.length - 1;
    const target =
      event.key === 'ArrowRight' ? (current === last ? 0 : current + 1)
      : event.key === 'ArrowLeft' ? (current === 0 ? last : current - 1)
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : null;
    if (target === null) return;
    event.preventDefault();
    focusButton(shown[target]);
  });

  function focusButton(target: HTMLButtonElement | undefined): void {
    if (!target) return;
    for (const { button } of buttons) button.setAttribute('tabindex', button === target ? '0' : '-1');
    target.focus();
  }

  function openLinkForm(): void {
    const button = buttons.find(({ action }) => action.id === 'link');
    if (!editor.isEditable || !button || button.button.getAttribute('aria-disabled') === 'true') return;
    linkForm.open(button.button);
  }

  function refresh(): void {
    for (const { action, button } of buttons) {
      button.hidden = action.isVisible ? !action.isVisible(editor) : false;
      if (action.isActive) button.setAttribute('aria-pressed', String(action.isActive(editor)));
      // aria-disabled keeps the button focusable inside the toolbar, as the pattern recommends.
      const enabled = editor.isEditable && action.isEnabled(editor);
      button.setAttribute('aria-disabled', String(!enabled));
    }
    for (const { divider, members } of groups) {
      if (divider) divider.hidden = members.every((button) => button.hidden);
    }
    // The toolbar's one tab stop must stay on a button that is shown.
    const stop = buttons.find(({ button }) => button.getAttribute('tabindex') === '0')?.button;
    if (stop?.hidden) {
      const first = visibleButtons()[0];
      for (const { button } of buttons) button.setAttribute('tabindex', button === first ? '0' : '-1');
    }
  }

  editor.on('transaction', refresh);
  editor.on('focus', refresh);
  refresh();

  return {
    element,
    openLinkForm,
    destroy() {
      editor.off('transaction', refresh);
      editor.off('focus', refresh);
      linkForm.close(false);
      linkForm.destroy();
    },
  };
}
