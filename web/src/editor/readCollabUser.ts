import { USER_NAME_MAX_LENGTH, type CollabUser } from './CollabUser.js';
import { normalizeHexColor } from './normalizeHexColor.js';

/** Shown for a peer whose colour is missing or not `#rrggbb` (or `#rgb`, which is expanded). */
const FALLBACK_COLOR = '#6b7280';

/**
 * Reads a user from untrusted data (a peer's awareness state, `localStorage`).
 * Returns `null` when there is no usable name; a bad colour falls back to grey.
 *
 * @example
 * readCollabUser({ name: ' Ada ', color: '#1565c0' }) // { name: 'Ada', color: '#1565c0' }
 * readCollabUser({ color: '#1565c0' })               // null
 */
export function readCollabUser(value: unknown): CollabUser | null {
  if (typeof value !== 'object' || value === null) return null;
  const { name, color } = value as Record<string, unknown>;
  if (typeof name !== 'string') return null;
  const trimmed = name.trim().slice(0, USER_NAME_MAX_LENGTH);
  if (trimmed.length === 0) return null;
  return { name: trimmed, color: normalizeHexColor(color) ?? FALLBACK_COLOR };
}
