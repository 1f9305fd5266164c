import type { Awareness } from 'y-protocols/awareness';
import { readCollabUser } from './readCollabUser.js';

/** One person in the document right now, as the presence list shows them. */
export interface PresenceUser {
  /** Yjs awareness client id: one per open editor, so one person in two tabs appears twice. */
  clientId: number;
  name: string;
  color: string;
  /** `true` for this editor's own entry. */
  isSelf: boolean;
}

/**
 * Lists the users in an awareness instance: yourself first, then everyone
 * else by name. Peers that have not published a user (yet) are left out.
 */
export function readPresence(awareness: Awareness): PresenceUser[] {
  const users: PresenceUser[] = [];
  for (const [clientId, state] of awareness.getStates()) {
    const user = readCollabUser(state['user']);
    if (user) users.push({ clientId, name: user.name, color: user.color, isSelf: clientId === awareness.clientID });
  }
  return users.sort(
    (a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name) || a.clientId - b.clientId,
  );
}
