import { h } from '../dom/h.js';
import { USER_NAME_MAX_LENGTH, type CollabUser } from '../editor/CollabUser.js';
import { USER_COLORS } from '../user/userColors.js';
import { createAvatar } from './createAvatar.js';

export interface UserMenuOptions {
  user: CollabUser;
  /** Called on every valid edit (each keystroke in the name, each colour pick). */
  onChange: (user: CollabUser) => void;
  /** Called when the menu closes; `restoreFocus` is true when it closed from the keyboard or "Done". */
  onClose: (restoreFocus: boolean) => void;
  /** Shown at the bottom, e.g. whether the choice is remembered in this browser. */
  note: string;
  /**
   * The visitor's access link sets their name and colour: both are shown, not
   * editable (the server shows the link's identity to everyone, whatever this
   * browser says). Default `false`.
   */
  fromAccessLink?: boolean;
}

export interface UserMenu {
  element: HTMLElement;
  readonly isOpen: boolean;
  open(): void;
  close(restoreFocus: boolean): void;
  /** Removes the document-level listeners the menu adds while open. */
  destroy(): void;
}

/**
 * The "you" popover: edit your display name (`data-testid="user-name-input"`)
 * and pick a colour (`data-testid="user-color-option"` radios). Changes apply
 * as you type, so the others see your caret update live. What an access link
 * sets is explained instead (`data-testid="user-identity-note"`).
 */
export function createUserMenu(options: UserMenuOptions): UserMenu {
  let user = options.user;
  let isOpen = false;
  const fixed = options.fromAccessLink ?? false;

  const preview = h('span', { class: 'user-menu__preview' });
  const nameInput = h('input', {
    id: 'user-name-input',
    class: 'text-input',
    type: 'text',
    value: user.name,
    maxlength: USER_NAME_MAX_LENGTH,
    autocomplete: 'nickname',
    spellcheck: 'false',
    'aria-describedby': 'user-name-error',
    'data-testid': 'user-name-input',
  });
  const nameError = h('p', { id: 'user-name-error', class: 'field-message field-message--error', hidden: true }, 'Enter a name so others know who is typing.');
  const swatches = h('div', { class: 'swatches' });
  for (const color of USER_COLORS) {
    const radio = h('input', {
      type: 'radio',
      name: 'user-color',
      value: color.value,
      'aria-label': color.name,
      checked: color.value === user.color,
      'data-testid': 'user-color-option',
      'data-color': color.value,
    });
    radio.addEventListener('change', () => apply({ name: user.name, color: color.value }));
    const swatch = h('label', { class: 'swatch', title: color.name }, radio, h('span', { class: 'swatch__dot', 'aria-hidden': 'true' }));
    swatch.style.setProperty('--swatch', color.value);
    swatches.append(swatch);
  }
  const done = h('button', { type: 'button', class: 'button button--primary' }, 'Done');

  const element = h(
    'div',
    { class: 'user-menu', role: 'dialog', 'aria-label': 'Your name and colour', 'data-testid': 'user-menu', hidden: true },
    h('div', { class: 'user-menu__header' }, preview, h('p', { class: 'user-menu__hint' }, 'This is how others see you in this document.')),
    fixed && h('p', { class: 'user-menu__fixed', 'data-testid': 'user-identity-note' }, 'Your name and colour come from your access link.'),
    !fixed && h('label', { class: 'field-label', for: 'user-name-input' }, 'Your name'),
    !fixed && nameInput,
    !fixed && nameError,
    !fixed && h('fieldset', { class: 'user-menu__colors' }, h('legend', { class: 'field-label' }, 'Colour'), swatches),
    h('div', { class: 'user-menu__footer' }, h('p', { class: 'user-menu__note' }, options.note), done),
  );

  function renderPreview(): void {
    preview.replaceChildren(createAvatar(user), h('span', { class: 'user-menu__preview-name' }, user.name));
  }

  function apply(next: CollabUser): void {
    user = next;
    renderPreview();
    options.onChange(user);
  }

  nameInput.addEventListener('input', () => {
    const name = nameInput.value.trim();
    nameError.hidden = name.length > 0;
    nameInput.setAttribute('aria-invalid', String(name.length === 0));
    if (name.length > 0 && name !== user.name) apply({ name, color: user.color });
  });
  nameInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') close(true);
  });
  done.addEventListener('click', () => close(true));
  element.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close(true);
    }
  });

  const onPointerDown = (event: PointerEvent): void => {
    const target = event.target;
    if (!(target instanceof Node) || element.contains(target)) return;
    // The trigger toggles the menu itself.
    if (target instanceof Element && target.closest('[data-testid="user-menu-button"]')) return;
    close(false);
  };

  function open(): void {
    if (isOpen) return;
    isOpen = true;
    nameInput.value = user.name;
    nameError.hidden = true;
    nameInput.removeAttribute('aria-invalid');
    renderPreview();
    element.hidden = false;
    document.addEventListener('pointerdown', onPointerDown);
    if (fixed) {
      done.focus();
    } else {
      nameInput.focus();
      nameInput.select();
    }
  }

  function close(restoreFocus: boolean): void {
    if (!isOpen) return;
    isOpen = false;
    element.hidden = true;
    document.removeEventListener('pointerdown', onPointerDown);
    options.onClose(restoreFocus);
  }

  renderPreview();
  return {
    element,
    get isOpen() {
      return isOpen;
    },
    open,
    close,
    destroy() {
      document.removeEventListener('pointerdown', onPointerDown);
    },
  };
}
