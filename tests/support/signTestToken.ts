import { SignJWT } from 'jose';

/** What a test token grants: the payload of the server's access tokens. */
export interface TestTokenClaims {
  /** Exact document names, or prefixes ending in `*` (`"*"`: every document). */
  documents: string[];
  /** Default `write`. */
  access?: 'write' | 'read';
  /** Who the bearer is to the others (the server stamps it into their presence). */
  name?: string;
  color?: string;
  /** Seconds from now until it expires; negative for a token that has already expired. Default one hour. */
  expiresInSeconds?: number;
}

/**
 * Mints an access token the way an operator's tooling would: HS256 with the
 * server's `AUTH_SECRET`, issuer `tandem`.
 *
 * @example
 * const token = await signTestToken(SECRET, { documents: ['team-*'], access: 'read', name: 'Bob' });
 * await page.goto(`${server.httpUrl}/d/team-notes?token=${token}`);
 */
export async function signTestToken(secret: string, claims: TestTokenClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const expiresAt = now + (claims.expiresInSeconds ?? 3600);
  return new SignJWT({
    documents: claims.documents,
    access: claims.access ?? 'write',
    ...(claims.name !== undefined ? { name: claims.name } : {}),
    ...(claims.color !== undefined ? { color: claims.color } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('tandem')
    // An expired token was issued before it expired.
    .setIssuedAt(Math.min(now, expiresAt - 60))
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(secret));
}
