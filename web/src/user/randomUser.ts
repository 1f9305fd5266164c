import type { CollabUser } from '../editor/CollabUser.js';
import { pickRandom } from '../random/pickRandom.js';
import { USER_COLORS } from './userColors.js';

const ADJECTIVES = [
  'Anonymous', 'Brave', 'Bright', 'Calm', 'Clever', 'Curious', 'Gentle', 'Happy',
  'Jolly', 'Lucky', 'Mellow', 'Nimble', 'Quiet', 'Sunny', 'Swift', 'Witty',
] as const;

const ANIMALS = [
  'Badger', 'Beaver', 'Dolphin', 'Falcon', 'Fox', 'Hedgehog', 'Heron', 'Koala',
  'Lynx', 'Moose', 'Otter', 'Owl', 'Panda', 'Penguin', 'Tiger', 'Walrus',
] as const;

/**
 * A friendly made-up identity for a first visit, like "Curious Otter" in a palette colour.
 *
 * @param random source of numbers in [0, 1); pass a seeded one in tests.
 */
export function randomUser(random: () => number = Math.random): CollabUser {
  const adjective = pickRandom(ADJECTIVES, random);
  const animal = pickRandom(ANIMALS, random);
  const color = pickRandom(USER_COLORS, random).value;
  return { name: `${adjective} ${animal}`, color };
}

