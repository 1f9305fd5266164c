/**
 * One item of a non-empty list, chosen by `random` (a source of numbers in [0, 1)).
 *
 * @example
 * pickRandom(['a', 'b', 'c'], Math.random) // 'b'
 */
export function pickRandom<T>(items: readonly T[], random: () => number): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new RangeError('pickRandom needs a non-empty list and random() in [0, 1)');
  return item;
}
