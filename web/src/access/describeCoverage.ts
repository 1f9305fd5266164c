/**
 * Which document names an access token's `documents` list covers, in words,
 * or `null` when it covers every document (`"*"`).
 *
 * @example
 * describeCoverage(['team-*', 'notes']) // 'names starting with “team-”, and “notes”'
 * describeCoverage(['*'])               // null
 */
export function describeCoverage(documents: readonly string[]): string | null {
  if (documents.includes('*')) return null;
  const prefixes = documents.filter((entry) => entry.endsWith('*')).map((entry) => `“${entry.slice(0, -1)}”`);
  const names = documents.filter((entry) => !entry.endsWith('*')).map((entry) => `“${entry}”`);
  const parts = [
    prefixes.length > 0 ? `names starting with ${listOf(prefixes, 'or')}` : null,
    names.length > 0 ? listOf(names, 'and') : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', and ') : 'no documents';
}

function listOf(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
