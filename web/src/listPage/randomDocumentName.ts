import { pickRandom } from '../random/pickRandom.js';

const ADJECTIVES = [
  'amber', 'bright', 'calm', 'crisp', 'gentle', 'golden', 'hidden', 'lively',
  'misty', 'quiet', 'rapid', 'silver', 'steady', 'sunny', 'velvet', 'wild',
] as const;

const NOUNS = [
  'aurora', 'canyon', 'comet', 'delta', 'forest', 'glacier', 'harbor', 'island',
  'lagoon', 'meadow', 'nebula', 'orchard', 'prairie', 'river', 'summit', 'valley',
] as const;

/**
 * A memorable name that passes `checkDocumentName`, like `quiet-meadow-42`.
 *
 * @param random source of numbers in [0, 1); pass a seeded one in tests.
 */
export function randomDocumentName(random: () => number = Math.random): string {
  const adjective = pickRandom(ADJECTIVES, random);
  const noun = pickRandom(NOUNS, random);
  const number = 10 + Math.floor(random() * 90);
  return `${adjective}-${noun}-${number}`;
}
