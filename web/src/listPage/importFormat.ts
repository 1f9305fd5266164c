/** File name endings the importer understands, for the file picker's `accept`. */
export const IMPORT_FILE_TYPES = ['.md', '.markdown', '.html', '.htm'] as const;

/**
 * Which content format a file is, from its name's ending; `null` for a
 * file the importer does not take.
 *
 * @example
 * importFormat('Notes.MD')    // 'markdown'
 * importFormat('page.htm')    // 'html'
 * importFormat('photo.png')   // null
 */
export function importFormat(fileName: string): 'markdown' | 'html' | null {
  const ending = /\.([^.]+)$/.exec(fileName.trim())?.[1]?.toLowerCase();
  if (ending === 'md' || ending === 'markdown') return 'markdown';
  if (ending === 'html' || ending === 'htm') return 'html';
  return null;
}
