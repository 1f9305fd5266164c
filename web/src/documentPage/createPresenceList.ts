import { h } from '../dom/h.js';
import type { PresenceUser } from '../editor/readPresence.js';
import { createAvatar } from './createAvatar.js';

/** Above this many people, names collapse into avatars (still announced and in tooltips). */
const NAMES_SHOWN_UP_TO = 3;

/** Avatars shown before a "+N" bubble, on wide and on narrow (≤ 640px, see documentPage.css) screens. */
const AVATARS_SHOWN = { wide: 6, narrow: 3 } as const;

export interface PresenceList {
  element: HTMLElement;
  /** Shows who is here; keeps existing items so focus on your own entry survives updates. */
  update(users: PresenceUser[]): void;
  /** Reflects whether the "you" menu is open on your own entry (`aria-expanded`). */
  setMenuOpen(open: boolean): void;
  /** Moves focus to your own entry, e.g. when the "you" menu closes. */
  focusSelf(): void;
}

/**
 * Everyone in the document: `data-testid="presence-list"`, one
 * `data-testid="presence-user"` item per person with an avatar and the name.
 * Your own entry is marked "(you)" and is the button that opens the "you" menu;
 * `selfTitle` is its tooltip (e.g. when an access link sets your name).
 */
export function createPresenceList(onOpenMenu: (trigger: HTMLElement) => void, selfTitle = 'Change your name and colour'): PresenceList {
  const element = h('ul', { class: 'presence', 'data-testid': 'presence-list', 'aria-label': 'People in this document' });
  const items = new Map<number, { item: HTMLLIElement; key: string }>();
  const more = {
    wide: h('li', { class: 'presence__more presence__more--wide', 'aria-hidden': 'true' }),
    narrow: h('li', { class: 'presence__more presence__more--narrow', 'aria-hidden': 'true' }),
  };
  let menuOpen = false;

  function showMore(bubble: HTMLLIElement, users: PresenceUser[], shown: number): void {
    const hidden = users.slice(shown);
    bubble.hidden = hidden.length === 0;
    bubble.textContent = `+${hidden.length}`;
    bubble.title = hidden.map((user) => user.name).join(', ');
    element.append(bubble);
  }

  function selfButton(): HTMLButtonElement | null {
    return element.querySelector<HTMLButtonElement>('[data-testid="user-menu-button"]');
  }

  function renderItem(user: PresenceUser): HTMLLIElement {
    const name = h(
      'span',
      { class: 'presence__name' },
      h('span', { class: 'presence__name-text' }, user.name),
      user.isSelf && h('span', { class: 'presence__you' }, ' (you)'),
    );
    const label = user.isSelf ? `${user.name} (you)` : user.name;
    const content = user.isSelf
      ? h(
          'button',
          {
            type: 'button',
            class: 'presence__chip presence__chip--self',
            'data-testid': 'user-menu-button',
            'aria-haspopup': 'dialog',
            'aria-expanded': String(menuOpen),
            title: selfTitle,
          },
          createAvatar(user, 'small'),
          name,
        )
      : h('span', { class: 'presence__chip' }, createAvatar(user, 'small'), name);
    if (content instanceof HTMLButtonElement) content.addEventListener('click', () => onOpenMenu(content));
    return h(
      'li',
      {
        class: 'presence__user',
        'data-testid': 'presence-user',
        'data-client-id': user.clientId,
        'data-self': String(user.isSelf),
        'data-name': user.name,
        'data-color': user.color,
        title: label,
      },
      content,
    );
  }

  return {
    element,
    update(users) {
      const seen = new Set<number>();
      users.forEach((user, index) => {
        seen.add(user.clientId);
        const key = `${user.isSelf}|${user.name}|${user.color}`;
        let entry = items.get(user.clientId);
        if (!entry || entry.key !== key) {
          const item = renderItem(user);
          const hadFocus = entry?.item.contains(document.activeElement) ?? false;
          if (entry) entry.item.replaceWith(item);
          entry = { item, key };
          items.set(user.clientId, entry);
          if (hadFocus) item.querySelector('button')?.focus();
        }
        // Only move items that are out of place: moving a node drops its focus.
        if (element.children[index] !== entry.item) element.insertBefore(entry.item, element.children[index] ?? null);
      });
      for (const [clientId, entry] of items) {
        if (seen.has(clientId)) continue;
        entry.item.remove();
        items.delete(clientId);
      }
      showMore(more.wide, users, AVATARS_SHOWN.wide);
      showMore(more.narrow, users, AVATARS_SHOWN.narrow);
      element.classList.toggle('presence--compact', users.length > NAMES_SHOWN_UP_TO);
      element.setAttribute('aria-label', `People in this document: ${users.length}`);
    },
    setMenuOpen(open) {
      menuOpen = open;
      selfButton()?.setAttribute('aria-expanded', String(open));
    },
    focusSelf() {
      selfButton()?.focus();
    },
  };
}
