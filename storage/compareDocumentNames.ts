/** Sorts names by UTF-16 code unit, the same on every machine and locale ("Notes" before "notes"). */
export function compareDocumentNames(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
