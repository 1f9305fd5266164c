export interface PopoverOptions {
  /** The button that opens and closes the popover; gets `aria-expanded` and `aria-controls`. */
  trigger: HTMLButtonElement;
  /** The popover itself (it needs an `id`); hidden while closed. */
  panel: HTMLElement;
  /** Called after the panel is shown, e.g. to move focus into it. `viaKeyboard` is the key that opened it, if any. */
  onOpen?: (viaKeyboard: string | null) => void;
  /** Called after the panel is hidden. */
  onClose?: () => void;
}

export interface Popover {
  readonly isOpen: boolean;
  open(viaKeyboard?: string | null): void;
  /** Hides the panel; with `restoreFocus` the trigger gets the focus back. */
  close(restoreFocus: boolean): void;
  /** Removes the document-level listeners the popover adds while open. */
  destroy(): void;
}

/**
 * A panel that drops down from a button and belongs to it (the share panel,
 * the export menu): the button toggles it, Escape closes it and gives the
 * focus back to the button, and it closes by itself when a click or the
 * focus goes elsewhere.
 */
export function createPopover(options: PopoverOptions): Popover {
  const { trigger, panel } = options;
  let isOpen = false;
  panel.hidden = true;
  trigger.setAttribute('aria-expanded', 'false');
  trigger.setAttribute('aria-controls', panel.id);

  const onPointerDown = (event: PointerEvent): void => {
    const target = event.target;
    if (target instanceof Node && (panel.contains(target) || trigger.contains(target))) return;
    close(false);
  };
  const onFocusIn = (event: FocusEvent): void => {
    const target = event.target;
    if (target instanceof Node && (panel.contains(target) || trigger.contains(target))) return;
    close(false);
  };

  function open(viaKeyboard: string | null = null): void {
    if (isOpen) return;
    isOpen = true;
    panel.hidden = false;
    trigger.setAttribute('aria-expanded', 'true');
    document.addEventListener('pointerdown', onPointerDown);
    document.addEventListener('focusin', onFocusIn);
    options.onOpen?.(viaKeyboard);
  }

  function close(restoreFocus: boolean): void {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    trigger.setAttribute('aria-expanded', 'false');
    document.removeEventListener('pointerdown', onPointerDown);
    document.removeEventListener('focusin', onFocusIn);
    if (restoreFocus) trigger.focus();
    options.onClose?.();
  }

  trigger.addEventListener('click', (event) => {
    if (isOpen) close(false);
    // A click from the keyboard (Enter, Space) has no pointer position.
    else open(event.detail === 0 ? 'Enter' : null);
  });
  panel.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    close(true);
  });
  trigger.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && isOpen) {
      event.preventDefault();
      close(true);
    }
  });

  return {
    get isOpen() {
      return isOpen;
    },
    open,
    close,
    destroy() {
      document.removeEventListener('pointerdown', onPointerDown);
      document.removeEventListener('focusin', onFocusIn);
    },
  };
}
