import { DOCUMENT_NAME_MAX_LENGTH, isValidDocumentName } from '../../../common/documentName.js';

/** Used when nothing of the file name survives the naming rule (e.g. `日本語.md`). */
const FALLBACK_NAME = 'imported';

/** Room kept at the end of a name for a `-2`, `-3`, … that makes it unused. */
const SUFFIX_ROOM = 4;

/**
 * A document name that passes `checkDocumentName`, made from a file's name:
 * the ending is dropped, accents are removed, everything outside the rule
 * becomes `-`, and it is lower-cased and shortened.
 *
 * @example
 * documentNameFromFileName('Meeting Notes (Q3).md') // 'meeting-notes-q3'
 * documentNameFromFileName('Café.html')            // 'cafe'
 * documentNameFromFileName('.md')                  // 'imported'
 */
export function documentNameFromFileName(fileName: string): string {
  const base = fileName.trim().replace(/\.[^.]*$/, '');
  const name = base
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    // A name starts with a letter or digit; a trailing "-" or "." only looks like a typo.
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, DOCUMENT_NAME_MAX_LENGTH - SUFFIX_ROOM)
    .replace(/[-._]+$/, '');
  return isValidDocumentName(name) ? name : FALLBACK_NAME;
}
