/**
 * `name` if it is free, else the first free one of `name-2`, `name-3`, …
 *
 * @example
 * nextFreeName('notes', (name) => name === 'notes') // 'notes-2'
 */
export function nextFreeName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  for (let number = 2; ; number += 1) {
    const candidate = `${name}-${number}`;
    if (!taken(candidate)) return candidate;
  }
}
