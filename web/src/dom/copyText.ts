import { h } from './h.js';

/**
 * Puts `text` on the clipboard. The Clipboard API exists only on secure
 * origins; a self-hosted server on plain http gets the old way.
 */
export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard) return navigator.clipboard.writeText(text);
  const field = h('textarea', { class: 'visually-hidden', readonly: true });
  field.value = text;
  document.body.append(field);
  field.select();
  const copied = document.execCommand('copy');
  field.remove();
  if (!copied) throw new Error('the browser refused to copy');
}
