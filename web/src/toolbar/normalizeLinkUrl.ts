/**
 * Turns what someone typed as a link address into one, or `null` when it is
 * not one: an address without a scheme gets `https://`, an e-mail address
 * `mailto:`; only http, https, mailto and tel links are allowed.
 *
 * @example
 * normalizeLinkUrl('example.com/docs')     // 'https://example.com/docs'
 * normalizeLinkUrl('ada@example.com')      // 'mailto:ada@example.com'
 * normalizeLinkUrl('javascript:alert(1)')  // null
 */
export function normalizeLinkUrl(input: string): string | null {
  const text = input.trim();
  if (text.length === 0 || /\s/.test(text)) return null;
  if (/^(https?|mailto|tel):/i.test(text)) return URL.canParse(text) ? text : null;
  // Any other scheme (javascript:, data:, …) is refused; "host:8080" is a port, not a scheme.
  if (/^[a-z][a-z0-9+.-]*:(?!\d)/i.test(text)) return null;
  if (/^[^@/:]+@[^@/]+\.[a-z]{2,}$/i.test(text)) return `mailto:${text}`;
  const withScheme = text.startsWith('//') ? `https:${text}` : `https://${text}`;
  if (!URL.canParse(withScheme)) return null;
  // A bare word is more likely a typo than a host on the local network.
  const host = new URL(withScheme).hostname;
  return host.includes('.') || host === 'localhost' ? withScheme : null;
}
