import type { CollabUser } from '../editor/CollabUser.js';

/** `localStorage` key of the remembered name and colour. */
export const USER_STORAGE_KEY = 'tandem.user';

/** Remembers the user's name and colour in this browser. */
export function saveUser(storage: Storage, user: CollabUser): void {
  storage.setItem(USER_STORAGE_KEY, JSON.stringify({ name: user.name, color: user.color }));
}
