/**
 * How a person appears to the others in a document: the name on their caret
 * and avatar, and the colour of both. `color` is a `#rrggbb` hex string
 * (the caret extension ignores any other format).
 */
export interface CollabUser {
  name: string;
  color: string;
}

/** Longest name shown on carets and avatars; longer names are cut. */
export const USER_NAME_MAX_LENGTH = 40;
