/**
 * Up to two letters for an avatar: the first letter of the first two words.
 *
 * @example
 * initials('Curious Otter') // 'CO'
 * initials('ada')           // 'A'
 */
export function initials(name: string): string {
  const letters = name
    .trim()
    .split(/\s+/)
    .slice(0, 2)
    // Array.from splits by code point, so an emoji stays whole.
    .map((word) => Array.from(word)[0] ?? '')
    .join('');
  return letters.toLocaleUpperCase() || '?';
}
