import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries `Bearer <token>`. Both sides are
 * hashed first, so the comparison takes the same time whatever the length or
 * content of what was sent.
 *
 * @example checkMetricsToken('Bearer s3cret-token', 's3cret-token') // true
 */
export function checkMetricsToken(authorization: string | undefined, token: string): boolean {
  const presented = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (presented === undefined) return false;
  return timingSafeEqual(sha256(presented), sha256(token));
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
