/**
 * Turns a lower-case reason from the server or `checkDocumentName` into a sentence for the UI.
 *
 * @example
 * asSentence('document name is empty') // 'Document name is empty.'
 */
export function asSentence(text: string): string {
  const sentence = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`;
}
