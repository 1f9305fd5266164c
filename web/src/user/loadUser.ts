import type { CollabUser } from '../editor/CollabUser.js';
import { readCollabUser } from '../editor/readCollabUser.js';
import { randomUser } from './randomUser.js';
import { saveUser, USER_STORAGE_KEY } from './saveUser.js';

/**
 * The user remembered in this browser, or a new random one (remembered from now on).
 * A stored value that is not a valid user is replaced.
 */
export function loadUser(storage: Storage): CollabUser {
  const stored = storage.getItem(USER_STORAGE_KEY);
  if (stored !== null) {
    const user = readCollabUser(parseJson(stored));
    if (user) return user;
    console.warn(`Tandem: ignoring the unreadable user saved under "${USER_STORAGE_KEY}"`, stored);
  }
  const user = randomUser();
  saveUser(storage, user);
  return user;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}
