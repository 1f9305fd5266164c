import { describe, expect, it } from 'vitest';
import { checkDocumentName } from '../../common/documentName.js';
import { readDocumentName } from '../../web/src/documentPage/readDocumentName.js';
import { readCollabUser } from '../../web/src/editor/readCollabUser.js';
import { formatBytes } from '../../web/src/listPage/formatBytes.js';
import { formatRelativeTime } from '../../web/src/listPage/formatRelativeTime.js';
import { randomDocumentName } from '../../web/src/listPage/randomDocumentName.js';
import { initials } from '../../web/src/user/initials.js';
import { randomUser } from '../../web/src/user/randomUser.js';

/** A deterministic stand-in for Math.random, so every seed's result is checked. */
function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe('readDocumentName (the editor page URL)', () => {
  it('reads and decodes the name from /d/<name>', () => {
    expect(readDocumentName('/d/meeting-notes')).toEqual({ ok: true, documentName: 'meeting-notes' });
    expect(readDocumentName('/d/Q3_plan.v2/')).toEqual({ ok: true, documentName: 'Q3_plan.v2' });
  });

  it('explains what is wrong with a bad address', () => {
    expect(readDocumentName('/d/not%20allowed')).toMatchObject({ ok: false, reason: expect.stringMatching(/letters, digits/) });
    expect(readDocumentName('/d/%E0%A4%A')).toMatchObject({ ok: false, reason: expect.stringMatching(/URL encoding/) });
    expect(readDocumentName('/elsewhere')).toMatchObject({ ok: false, reason: expect.stringMatching(/not a document address/) });
  });
});

describe('suggested names and users', () => {
  it('randomDocumentName always suggests a name the server accepts', () => {
    for (let seed = 1; seed <= 500; seed += 1) {
      const name = randomDocumentName(seeded(seed));
      expect(checkDocumentName(name), name).toEqual({ ok: true });
    }
  });

  it('randomUser always gives a readable name and a #rrggbb colour', () => {
    for (let seed = 1; seed <= 200; seed += 1) {
      const user = randomUser(seeded(seed));
      expect(readCollabUser(user)).toEqual(user);
      expect(user.color).toMatch(/^#[0-9a-f]{6}$/i);
    }
  });
});

describe('readCollabUser (untrusted awareness and localStorage data)', () => {
  it('accepts a name and colour, trimming the name', () => {
    expect(readCollabUser({ name: '  Ada  ', color: '#1565c0' })).toEqual({ name: 'Ada', color: '#1565c0' });
  });

  it('refuses data without a usable name', () => {
    for (const value of [null, 'Ada', 42, {}, { name: '   ' }, { name: 7, color: '#123456' }]) {
      expect(readCollabUser(value)).toBeNull();
    }
  });

  it('never lets a peer put arbitrary text into a CSS colour', () => {
    const user = readCollabUser({ name: 'Mallory', color: 'red; background-image: url(https://evil.example/x)' });
    expect(user?.color).toMatch(/^#[0-9a-f]{6}$/i);
  });

  it('caps very long names', () => {
    expect(readCollabUser({ name: 'x'.repeat(10_000), color: '#123456' })!.name.length).toBeLessThan(200);
  });
});

describe('list formatting', () => {
  it('formatBytes', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MB');
  });

  it('formatRelativeTime', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    const ago = (ms: number) => formatRelativeTime(new Date(now.getTime() - ms), now);
    expect(ago(-5_000)).toBe('just now');
    expect(ago(10_000)).toBe('just now');
    expect(ago(3 * 60_000)).toBe('3 min ago');
    expect(ago(60 * 60_000)).toBe('1 hour ago');
    expect(ago(5 * 60 * 60_000)).toBe('5 hours ago');
    expect(ago(30 * 60 * 60_000)).toBe('yesterday');
    expect(ago(3 * 24 * 60 * 60_000)).toBe('3 days ago');
  });

  it('initials', () => {
    expect(initials('Curious Otter')).toBe('CO');
    expect(initials('ada')).toBe('A');
    expect(initials('  ')).toBe('?');
  });
});
