export { CloseCode } from '../../common/closeCodes.js';

/** Close reasons are limited to 123 bytes by RFC 6455. */
export function closeReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  if (bytes.byteLength <= 123) return reason;
  return `${bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD+$/, '')}…`;
}
