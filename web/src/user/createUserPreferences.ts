import type { CollabUser } from '../editor/CollabUser.js';
import { loadUser } from './loadUser.js';
import { randomUser } from './randomUser.js';
import { saveUser } from './saveUser.js';

/** The name and colour to use, and a way to remember changes to them. */
export interface UserPreferences {
  readonly user: CollabUser;
  /** Whether changes survive a reload (false when the browser blocks storage, e.g. some private modes). */
  readonly remembered: boolean;
  save(user: CollabUser): void;
}

/**
 * Loads the user remembered in `localStorage` (creating a random one on the
 * first visit). When the browser blocks storage, the user lives for this
 * page only and `remembered` says so.
 */
export function createUserPreferences(getStorage: () => Storage = () => window.localStorage): UserPreferences {
  let storage: Storage | null = null;
  let current: CollabUser;
  try {
    storage = getStorage();
    current = loadUser(storage);
  } catch (error) {
    if (!(error instanceof DOMException)) throw error;
    console.warn('Tandem: this browser blocks localStorage, so your name and colour are not remembered', error);
    storage = null;
    current = randomUser();
  }
  return {
    get user() {
      return current;
    },
    get remembered() {
      return storage !== null;
    },
    save(next) {
      current = next;
      if (!storage) return;
      try {
        saveUser(storage, next);
      } catch (error) {
        if (!(error instanceof DOMException)) throw error;
        console.warn('Tandem: could not remember your name and colour in this browser', error);
        storage = null;
      }
    },
  };
}
