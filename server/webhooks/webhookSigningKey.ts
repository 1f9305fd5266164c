/**
 * How `WEBHOOK_SECRET` becomes the HMAC-SHA256 key of the Standard Webhooks
 * signature. Two forms are accepted, so operators can paste a secret from
 * another Standard Webhooks sender or make one up:
 *
 * - `whsec_<base64>`: the Standard Webhooks form; the key is the decoded bytes,
 *   and receivers pass the same string to their library.
 * - anything else: the key is the string's UTF-8 bytes; receivers pass
 *   `standardWebhookSecret(secret)`, i.e. `'whsec_' + base64(secret)`.
 */

const PREFIX = 'whsec_';
/** The Standard Webhooks spec asks for keys of 24 to 64 bytes. */
const MIN_KEY_BYTES = 24;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Why `secret` cannot sign webhooks, or `null` when it can. */
export function webhookSecretProblem(secret: string): string | null {
  if (!secret.startsWith(PREFIX)) return null;
  const encoded = secret.slice(PREFIX.length);
  if (!BASE64.test(encoded)) return `a secret starting with ${PREFIX} must be base64 after the prefix`;
  const bytes = Buffer.from(encoded, 'base64').byteLength;
  if (bytes < MIN_KEY_BYTES) return `a ${PREFIX} secret must decode to at least ${MIN_KEY_BYTES} bytes (it has ${bytes})`;
  return null;
}

/** The HMAC key of a valid secret (see the module comment). */
export function webhookSigningKey(secret: string): Uint8Array {
  const problem = webhookSecretProblem(secret);
  if (problem !== null) throw new Error(`invalid webhook secret: ${problem}`);
  return secret.startsWith(PREFIX) ? Buffer.from(secret.slice(PREFIX.length), 'base64') : Buffer.from(secret, 'utf8');
}

/**
 * The secret in the form every Standard Webhooks library takes: what a receiver passes to verify.
 *
 * @example
 * new Webhook(standardWebhookSecret(process.env.WEBHOOK_SECRET)).verify(body, headers)
 */
export function standardWebhookSecret(secret: string): string {
  return `${PREFIX}${Buffer.from(webhookSigningKey(secret)).toString('base64')}`;
}
