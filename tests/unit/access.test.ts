import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { coversDocument } from '../../common/accessToken.js';
import { AccessTokenError, mintAccessToken, verifyAccessToken } from '../../server/access/accessToken.js';
import { admitPeer } from '../../server/access/admitPeer.js';
import { checkHost } from '../../server/access/checkHost.js';
import { checkOrigin } from '../../server/access/checkOrigin.js';
import { shareLinkFor } from '../../server/access/shareLinkFor.js';
import { TokenBucket } from '../../server/access/TokenBucket.js';
import { parseTokenCommand, TokenCommandError } from '../../server/cli/tokenCommand.js';

const SECRET = 'unit-test-secret-that-is-long-enough-0123456789';

async function problemOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AccessTokenError) return error.problem;
    throw error;
  }
  return 'none';
}

describe('access tokens', () => {
  it('carry documents, access, name and colour through signing and verifying', async () => {
    const { token, expiresAt } = await mintAccessToken(SECRET, { documents: ['notes', 'team-*'], access: 'read', name: 'Alice', color: '#ff8800' }, '2h');
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(7190_000);
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(7200_000);
    await expect(verifyAccessToken(SECRET, token)).resolves.toEqual({
      documents: ['notes', 'team-*'],
      access: 'read',
      identity: { name: 'Alice', color: '#ff8800' },
      expiresAt,
    });
  });

  it('give a default colour, and a token that names nobody the identity Guest (nobody can pick a name)', async () => {
    const named = await verifyAccessToken(SECRET, (await mintAccessToken(SECRET, { documents: ['a'], access: 'write', name: 'Bo' }, 60)).token);
    expect(named.identity).toEqual({ name: 'Bo', color: '#64748b' });
    const anonymous = await verifyAccessToken(SECRET, (await mintAccessToken(SECRET, { documents: ['a'], access: 'write', color: '#123456' }, 60)).token);
    expect(anonymous.identity).toEqual({ name: 'Guest', color: '#123456' });
  });

  it('are refused when missing, forged, expired, from another issuer, unsigned or granting nothing', async () => {
    const { token } = await mintAccessToken(SECRET, { documents: ['a'], access: 'write' }, 60);
    const key = new TextEncoder().encode(SECRET);
    const sign = (claims: Record<string, unknown>, issuer = 'tandem') =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(issuer).setExpirationTime(Math.floor(Date.now() / 1000) + 60).sign(key);
    const expired = await new SignJWT({ documents: ['a'], access: 'write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('tandem')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
      .sign(key);
    const [header, payload] = token.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;

    expect(await problemOf(verifyAccessToken(SECRET, undefined))).toBe('missing');
    expect(await problemOf(verifyAccessToken(SECRET, ''))).toBe('missing');
    expect(await problemOf(verifyAccessToken('another-secret-that-is-long-enough-0123456789', token))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(SECRET, `${header}.${payload}.AAAA`))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(SECRET, unsigned))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(SECRET, expired))).toBe('expired');
    expect(await problemOf(verifyAccessToken(SECRET, await sign({ documents: ['a'], access: 'write' }, 'someone-else')))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(SECRET, await sign({ access: 'write' })))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(SECRET, await sign({ documents: ['../etc'], access: 'write' })))).toBe('invalid');
    expect(await problemOf(verifyAccessToken(SECRET, 'not a jwt'))).toBe('invalid');
  });

  it('cannot be minted for a bad document pattern or a lifetime beyond a year', async () => {
    await expect(mintAccessToken(SECRET, { documents: ['a/b'], access: 'write' }, 60)).rejects.toThrow(/document name/);
    await expect(mintAccessToken(SECRET, { documents: ['a'], access: 'write' }, '400d')).rejects.toThrow(/at most a year/);
    await expect(mintAccessToken(SECRET, { documents: ['a'], access: 'write' }, 'soon')).rejects.toThrow(/invalid expiry/);
  });

  it('cover exact names and prefixes', () => {
    expect(coversDocument(['notes'], 'notes')).toBe(true);
    expect(coversDocument(['notes'], 'notes2')).toBe(false);
    expect(coversDocument(['team-*'], 'team-plan')).toBe(true);
    expect(coversDocument(['team-*'], 'teams')).toBe(false);
    expect(coversDocument(['*'], 'anything')).toBe(true);
  });
});

describe('checkOrigin', () => {
  it('lets same-origin pages and clients without an Origin through', () => {
    expect(checkOrigin('http://127.0.0.1:1234', '127.0.0.1:1234', [])).toBe(true);
    expect(checkOrigin('https://Docs.Example.com', 'docs.example.com', [])).toBe(true);
    expect(checkOrigin(undefined, '127.0.0.1:1234', [])).toBe(true);
  });

  it('refuses other sites unless allowed, and opaque origins always', () => {
    expect(checkOrigin('https://evil.example', '127.0.0.1:1234', [])).toBe(false);
    expect(checkOrigin('http://127.0.0.1:9999', '127.0.0.1:1234', [])).toBe(false);
    expect(checkOrigin('https://app.example', 'docs.example', ['https://app.example'])).toBe(true);
    expect(checkOrigin('https://evil.example', 'docs.example', ['*'])).toBe(true);
    expect(checkOrigin('null', 'docs.example', [])).toBe(false);
  });
});

describe('admitPeer', () => {
  const open = { authSecret: null, allowedOrigins: [], publicHost: 'docs.example' };
  const secured = { authSecret: SECRET, allowedOrigins: [], publicHost: null };
  const request = { documentName: 'notes', origin: undefined, host: 'docs.example', token: undefined, wantsSavedState: false };

  it('checks the name, the origin, the token and its documents, in that order', async () => {
    expect(await admitPeer(secured, { ...request, documentName: '../x', origin: 'https://evil' })).toMatchObject({ admitted: false, code: 4400 });
    expect(await admitPeer(secured, { ...request, origin: 'https://evil' })).toMatchObject({ admitted: false, code: 4403, reason: /https:\/\/evil/ });
    expect(await admitPeer(secured, request)).toMatchObject({ admitted: false, code: 4401, reason: 'an access token is required' });
    const other = (await mintAccessToken(SECRET, { documents: ['other'], access: 'write' }, 60)).token;
    expect(await admitPeer(secured, { ...request, token: other })).toMatchObject({ admitted: false, code: 4403, reason: /does not cover document "notes"/ });
  });

  it('admits open servers with no token, and token holders with their rights', async () => {
    expect(await admitPeer(open, { ...request, wantsSavedState: true })).toEqual({ admitted: true, peer: { wantsSavedState: true }, expiresAt: null });
    const token = (await mintAccessToken(SECRET, { documents: ['no*'], access: 'read', name: 'Eve' }, 60)).token;
    expect(await admitPeer(secured, { ...request, token })).toEqual({
      admitted: true,
      peer: { wantsSavedState: false, readOnly: true, identity: { name: 'Eve', color: expect.any(String) } },
      expiresAt: expect.any(Date),
    });
  });

  it('on an open server, refuses host names other than PUBLIC_URL’s (DNS rebinding), even from a same-origin page', async () => {
    const rebound = { ...request, host: 'evil.example:1234', origin: 'http://evil.example:1234' };
    expect(await admitPeer(open, rebound)).toMatchObject({ admitted: false, code: 4403, reason: /does not answer to evil\.example:1234; set PUBLIC_URL/ });
    // With a token required, the host does not matter: the page has no token.
    const token = (await mintAccessToken(SECRET, { documents: ['notes'], access: 'write' }, 60)).token;
    expect(await admitPeer(secured, { ...rebound, token })).toMatchObject({ admitted: true });
  });
});

describe('checkHost', () => {
  it('answers to IP addresses, localhost and the public host name only', () => {
    for (const host of ['127.0.0.1:1234', '192.168.1.20', '[::1]:1234', 'localhost:1234', 'app.localhost', 'DOCS.example:443']) {
      expect(checkHost(host, 'docs.example'), host).toBe(true);
    }
    for (const host of ['evil.example', 'docs.example.evil.example', undefined, '', 'a b']) expect(checkHost(host, 'docs.example'), String(host)).toBe(false);
    expect(checkHost('docs.example', null)).toBe(false);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then the rate', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    now += 100; // one token back
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000; // never more than the capacity
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });
});

describe('tandem token (command line)', () => {
  const env = { AUTH_SECRET: SECRET };

  it('reads documents, prefixes, access, name, colour, expiry and the base URL', () => {
    expect(
      parseTokenCommand(env, ['--document', 'notes', '--prefix', 'team-', '--read-only', '--name', 'Alice', '--color', '#aabbcc', '--expires', '12h', '--url', 'https://docs.example/']),
    ).toEqual({
      kind: 'mint',
      secret: SECRET,
      grant: { documents: ['notes', 'team-*'], access: 'read', name: 'Alice', color: '#aabbcc' },
      expiresIn: '12h',
      baseUrl: 'https://docs.example',
      json: false,
    });
  });

  it('defaults to a week of write access and a link to HOST:PORT', () => {
    expect(parseTokenCommand({ ...env, HOST: '0.0.0.0', PORT: '8080' }, ['--document', 'a'])).toMatchObject({
      grant: { access: 'write' },
      expiresIn: '7d',
      baseUrl: 'http://0.0.0.0:8080',
    });
    expect(parseTokenCommand({ ...env, PUBLIC_URL: 'https://docs.example' }, ['--document', 'a'])).toMatchObject({ baseUrl: 'https://docs.example' });
  });

  it('takes the secret and the link base from the server\'s config file, below the environment and flags', () => {
    const file = { authSecret: `${SECRET}-from-file`, publicUrl: 'https://file.example' };
    expect(parseTokenCommand({}, ['--document', 'a'], file)).toMatchObject({ secret: file.authSecret, baseUrl: 'https://file.example' });
    expect(parseTokenCommand({ ...env, PUBLIC_URL: 'https://env.example' }, ['--document', 'a'], file)).toMatchObject({ secret: SECRET, baseUrl: 'https://env.example' });
    expect(parseTokenCommand({}, ['--document', 'a', '--url', 'https://flag.example'], file)).toMatchObject({ baseUrl: 'https://flag.example' });
    expect(parseTokenCommand({}, ['--document', 'a'], { authSecret: SECRET, host: 'docs.internal', port: 9000 })).toMatchObject({ baseUrl: 'http://docs.internal:9000' });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      parseTokenCommand({}, ['--document', 'bad/name', '--expires', 'soon', '--color', 'red']);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TokenCommandError);
    const problems = (error as TokenCommandError).problems.join('\n');
    expect(problems).toMatch(/AUTH_SECRET/);
    expect(problems).toMatch(/--document: expected a document name/);
    expect(problems).toMatch(/--color: expected a colour/);
    expect(problems).toMatch(/--expires "soon"/);
    expect(() => parseTokenCommand(env, [])).toThrow(/at least one --document or --prefix/);
  });
});

describe('shareLinkFor', () => {
  it('links one document directly and anything else to the list', () => {
    expect(shareLinkFor('https://d.example', ['notes'], 'a.b.c')).toBe('https://d.example/d/notes?token=a.b.c');
    expect(shareLinkFor('https://d.example', ['team-*'], 'a.b.c')).toBe('https://d.example/?token=a.b.c');
    expect(shareLinkFor('https://d.example', ['a', 'b'], 'a.b.c')).toBe('https://d.example/?token=a.b.c');
  });
});
