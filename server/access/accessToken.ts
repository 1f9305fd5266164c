import { decodeJwt, errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { DEFAULT_IDENTITY_COLOR, GUEST_NAME } from '../../common/accessToken.js';
import { DOCUMENT_NAME_PATTERN } from '../../common/documentName.js';
import type { AccessGrant } from './AccessGrant.js';

/** The `iss` of every token this server mints and the only one it accepts. */
const ISSUER = 'tandem';
const ALGORITHM = 'HS256';
/** How long a token lives when nobody says otherwise. */
export const DEFAULT_TOKEN_LIFETIME = '7d';
/** Tokens cannot be revoked one by one (only by changing the secret), so their lifetime is capped at a year. */
export const MAX_TOKEN_LIFETIME_SECONDS = 366 * 24 * 3600;

/** A document name, or a prefix of one followed by `*` (`*` alone: every document). */
export const documentPatternSchema = z
  .string()
  .max(101)
  .refine((pattern) => pattern === '*' || DOCUMENT_NAME_PATTERN.test(pattern.endsWith('*') ? pattern.slice(0, -1) : pattern), {
    message: 'expected a document name, or a prefix of one ending in * (like team-*), or * for every document',
  });

/** A colour as `#rrggbb`: the one format the caret extension accepts. */
export const colorSchema = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'expected a colour like #3b82f6');

/** What a token grants, before signing; the schema shared by the CLI and the admin endpoint. */
export const grantRequestSchema = z.object({
  documents: z.array(documentPatternSchema).min(1).max(100),
  access: z.enum(['write', 'read']).default('write'),
  name: z.string().trim().min(1).max(64).optional(),
  color: colorSchema.optional(),
});
export type GrantRequest = z.infer<typeof grantRequestSchema>;

/** The claims of a token, checked after its signature. */
const claimsSchema = grantRequestSchema.extend({ exp: z.number() });

export type AccessTokenProblem = 'missing' | 'invalid' | 'expired';

/** A token that does not let its bearer in (close 4401 / HTTP 401). */
export class AccessTokenError extends Error {
  readonly problem: AccessTokenProblem;

  constructor(problem: AccessTokenProblem, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AccessTokenError';
    this.problem = problem;
  }
}

/**
 * Signs an access token (HS256). `expiresIn` is a span jose understands:
 * seconds as a number, or text like `"7d"`, `"12h"`, `"30 minutes"`.
 *
 * @example
 * const { token } = await mintAccessToken(secret, { documents: ['notes'], access: 'read', name: 'Alice' }, '7d');
 */
export async function mintAccessToken(secret: string, request: GrantRequest, expiresIn: string | number): Promise<{ token: string; expiresAt: Date }> {
  const { documents, access, name, color } = grantRequestSchema.parse(request);
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ documents, access, ...(name ? { name } : {}), ...(color ? { color } : {}) })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setIssuedAt(now);
  try {
    jwt = jwt.setExpirationTime(typeof expiresIn === 'number' ? now + expiresIn : expiresIn);
  } catch (error) {
    throw new RangeError(`invalid expiry ${JSON.stringify(expiresIn)}: use seconds or a span like 7d, 12h, 30m`, { cause: error });
  }
  const token = await jwt.sign(encodeSecret(secret));
  const expiresAt = new Date((decodeJwt(token).exp ?? now) * 1000);
  if (expiresAt.getTime() <= now * 1000 || expiresAt.getTime() > (now + MAX_TOKEN_LIFETIME_SECONDS) * 1000) {
    throw new RangeError(`expiry ${JSON.stringify(expiresIn)} must lie in the future and at most a year ahead`);
  }
  return { token, expiresAt };
}

/** Verifies signature, issuer and expiry, then reads the grant. Throws `AccessTokenError`. */
export async function verifyAccessToken(secret: string, token: string | undefined | null): Promise<AccessGrant> {
  if (!token) throw new AccessTokenError('missing', 'an access token is required');
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, encodeSecret(secret), { issuer: ISSUER, algorithms: [ALGORITHM], requiredClaims: ['exp'] }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AccessTokenError('expired', 'access token expired', { cause: error });
    throw new AccessTokenError('invalid', 'invalid access token', { cause: error });
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new AccessTokenError('invalid', 'access token does not grant any document');
  const { documents, access, name, color, exp } = claims.data;
  return {
    documents,
    access,
    identity: { name: name ?? GUEST_NAME, color: color ?? DEFAULT_IDENTITY_COLOR },
    expiresAt: new Date(exp * 1000),
  };
}

function encodeSecret(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
