import { describe, expect, it } from 'vitest';
import { coversDocument } from '../../common/accessToken.js';
import { describeCoverage } from '../../web/src/access/describeCoverage.js';
import { explainAccessProblem } from '../../web/src/access/explainAccessProblem.js';
import { identityFromToken } from '../../web/src/access/identityFromToken.js';
import { readAccessToken, type AccessToken } from '../../web/src/access/readAccessToken.js';
import { withToken } from '../../web/src/access/withToken.js';
import { accessProblemFromClose } from '../../web/src/documentPage/accessProblemFromClose.js';
import { statusText } from '../../web/src/documentPage/statusText.js';
import { normalizeHexColor } from '../../web/src/editor/normalizeHexColor.js';
import { readCollabUser } from '../../web/src/editor/readCollabUser.js';
import { signTestToken } from '../support/signTestToken.js';

const SECRET = 'unit-test-secret-0123456789abcdefghijklmnop';

/** A JWT whose payload is whatever JSON we like (the signature does not matter to the page). */
function unsignedToken(payload: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}.c2lnbmF0dXJl`;
}

describe('readAccessToken (the ?token= of a share link, for display only)', () => {
  it('reads access, documents, name, colour and expiry from a real token', async () => {
    const token = await signTestToken(SECRET, { documents: ['team-*', 'notes'], access: 'read', name: '  Bob  ', color: '#1565c0', expiresInSeconds: 600 });
    const read = readAccessToken(`?token=${token}&other=1`);
    expect(read).toMatchObject({ token, access: 'read', documents: ['team-*', 'notes'], name: 'Bob', color: '#1565c0', readable: true });
    expect(read?.expiresAt?.getTime()).toBeGreaterThan(Date.now());
  });

  it('is null without a token', () => {
    expect(readAccessToken('')).toBeNull();
    expect(readAccessToken('?token=')).toBeNull();
    expect(readAccessToken('?other=1')).toBeNull();
  });

  it('keeps a token it cannot read, granting nothing on screen (the server refuses it)', () => {
    for (const garbage of ['garbage', 'a.b.c', 'a.b.c.d.e', `x.${Buffer.from('[1]').toString('base64url')}.y`]) {
      expect(readAccessToken(`?token=${encodeURIComponent(garbage)}`)).toEqual({ token: garbage, access: 'read', documents: [], readable: false });
    }
  });

  it('shows write access only when the payload says so, and ignores fields of the wrong type', () => {
    const read = readAccessToken(`?token=${unsignedToken({ access: 'admin', documents: ['ok', 7, null], name: '   ', color: 'red', exp: 'soon' })}`);
    expect(read).toMatchObject({ access: 'read', documents: ['ok'], readable: true });
    expect(read).not.toHaveProperty('name');
    expect(read).not.toHaveProperty('color');
    expect(read).not.toHaveProperty('expiresAt');
    expect(readAccessToken(`?token=${unsignedToken({ access: 'write' })}`)).toMatchObject({ access: 'write', documents: [] });
  });

  it('expands a #rgb colour and cuts an overlong name like any other', () => {
    const read = readAccessToken(`?token=${unsignedToken({ name: 'x'.repeat(100), color: '#abc' })}`);
    expect(read?.color).toBe('#aabbcc');
    expect(read?.name).toHaveLength(40);
  });
});

describe('identityFromToken (who the server shows the bearer as)', () => {
  it('is the name with its colour, or the server’s grey when the token sets none', () => {
    const base: AccessToken = { token: 't', access: 'write', documents: [], readable: true };
    expect(identityFromToken({ ...base, name: 'Bob', color: '#1565c0' })).toEqual({ name: 'Bob', color: '#1565c0' });
    expect(identityFromToken({ ...base, name: 'Bob' })).toEqual({ name: 'Bob', color: '#64748b' });
    // A colour alone is not stamped by the server: the visitor keeps choosing.
    expect(identityFromToken({ ...base, color: '#1565c0' })).toEqual({ name: 'Guest', color: '#1565c0' });
    expect(identityFromToken(null)).toBeNull();
  });
});

describe('coversDocument and describeCoverage (what a token’s documents list opens)', () => {
  it('matches exact names and * prefixes', () => {
    expect(coversDocument(['team-*'], 'team-notes')).toBe(true);
    expect(coversDocument(['team-*'], 'team-')).toBe(true);
    expect(coversDocument(['team-*'], 'Team-notes')).toBe(false);
    expect(coversDocument(['notes'], 'notes')).toBe(true);
    expect(coversDocument(['notes'], 'notes-2')).toBe(false);
    expect(coversDocument(['*'], 'anything')).toBe(true);
    expect(coversDocument([], 'anything')).toBe(false);
  });

  it('says which names in words', () => {
    expect(describeCoverage(['*'])).toBeNull();
    expect(describeCoverage(['team-*'])).toBe('names starting with “team-”');
    expect(describeCoverage(['a-*', 'b-*', 'notes', 'plan'])).toBe('names starting with “a-” or “b-”, and “notes” and “plan”');
    expect(describeCoverage([])).toBe('no documents');
  });
});

describe('withToken (links that keep the visitor’s access)', () => {
  it('adds the token as a query parameter, encoded', () => {
    expect(withToken('/', null)).toBe('/');
    expect(withToken('/d/notes', undefined)).toBe('/d/notes');
    expect(withToken('/d/notes', 'ey.J+/=')).toBe('/d/notes?token=ey.J%2B%2F%3D');
    expect(withToken('/?a=1', 'x')).toBe('/?a=1&token=x');
  });
});

describe('accessProblemFromClose and explainAccessProblem (what a refused visitor is told)', () => {
  const now = new Date('2030-01-01T12:00:00Z');
  const token: AccessToken = { token: 't', access: 'write', documents: ['team-*'], readable: true };

  it('tells a missing, an invalid and an expired link apart', () => {
    expect(accessProblemFromClose({ code: 4401, reason: 'an access token is required' }, null, now)).toBe('access-required');
    expect(accessProblemFromClose({ code: 4401, reason: 'invalid access token' }, token, now)).toBe('link-invalid');
    expect(accessProblemFromClose({ code: 4401, reason: 'access token expired' }, token, now)).toBe('link-expired');
    // The token's own expiry counts too, whatever the reason says.
    expect(accessProblemFromClose({ code: 4401, reason: '' }, { ...token, expiresAt: new Date('2029-12-31T00:00:00Z') }, now)).toBe('link-expired');
  });

  it('tells a document the link does not cover from a page address the server does not accept', () => {
    expect(accessProblemFromClose({ code: 4403, reason: 'this access token does not cover document "origin-notes"' }, token, now)).toBe('not-covered');
    expect(accessProblemFromClose({ code: 4403, reason: 'pages from https://evil.example may not connect to this server' }, token, now)).toBe('origin-not-allowed');
  });

  it('leaves every other close to the generic handling', () => {
    for (const code of [1000, 1008, 1011, 1012, 1013, 4400, 4413]) expect(accessProblemFromClose({ code, reason: '' }, token, now)).toBeNull();
  });

  it('says what to do next, in the words the page shows', () => {
    expect(explainAccessProblem('link-invalid', { opening: 'document' }).detail).toBe(
      'This link is invalid or has expired. Ask the person who shared it for a new link.',
    );
    expect(explainAccessProblem('not-covered', { opening: 'document' }).detail).toMatch(/^This link does not give access to this document\./);
    expect(explainAccessProblem('access-required', { opening: 'list' }).detail).toMatch(/^This server requires an access link\./);
    expect(explainAccessProblem('link-expired', { opening: 'document', expiresAt: now }).detail).toMatch(/^It stopped working on .*2030.*new link\.$/);
    expect(explainAccessProblem('origin-not-allowed', { opening: 'document', serverReason: 'pages from x may not connect' }).detail).toContain('pages from x may not connect');
  });
});

describe('statusText for a read-only visitor', () => {
  it('says whether the view is live, never Saving… or Saved', () => {
    for (const save of ['saved', 'saving', 'offline'] as const) {
      expect(statusText('connected', save, true).label).toBe('Live');
      expect(statusText('connecting', save, true).label).toBe('Connecting…');
      expect(statusText('offline', save, true).label).toBe('Offline');
    }
  });
});

describe('normalizeHexColor (#rrggbb for the caret extension)', () => {
  it('keeps #rrggbb, expands #rgb, refuses the rest', () => {
    expect(normalizeHexColor('#1565C0')).toBe('#1565C0');
    expect(normalizeHexColor('#abc')).toBe('#aabbcc');
    for (const bad of ['abc', '#abcd', 'red', '#12345g', 7, null, undefined]) expect(normalizeHexColor(bad)).toBeNull();
    // A peer stamped with a #rgb token colour is shown in that colour, not the grey fallback.
    expect(readCollabUser({ name: 'Bob', color: '#abc' })).toEqual({ name: 'Bob', color: '#aabbcc' });
  });
});
