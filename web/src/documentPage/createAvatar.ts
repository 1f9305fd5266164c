import { h } from '../dom/h.js';
import { initials } from '../user/initials.js';

/** A round badge in the user's colour with their initials (decorative: the name is shown or labelled beside it). */
export function createAvatar(user: { name: string; color: string }, size: 'small' | 'medium' = 'medium'): HTMLSpanElement {
  const avatar = h('span', { class: `avatar avatar--${size}`, 'aria-hidden': 'true' }, initials(user.name));
  avatar.style.backgroundColor = user.color;
  return avatar;
}
