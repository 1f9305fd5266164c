/**
 * Whether a document matches what was typed in the search field: every
 * word of `query` appears in its name or title, ignoring case and accents.
 * An empty query matches everything.
 *
 * @example
 * matchesSearch('plan q3', { name: 'q3-plan', title: null })        // true
 * matchesSearch('cafe', { name: 'notes', title: 'Café meeting' })  // true
 */
export function matchesSearch(query: string, document: { name: string; title: string | null }): boolean {
  const words = fold(query).split(/\s+/).filter((word) => word.length > 0);
  if (words.length === 0) return true;
  const haystack = fold(`${document.name} ${document.title ?? ''}`);
  return words.every((word) => haystack.includes(word));
}

function fold(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLocaleLowerCase();
}
