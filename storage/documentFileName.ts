import { isValidDocumentName } from '../common/documentName.js';
import { StorageError } from './DocumentStore.js';

/**
 * Maps a document name to a file name (without extension) that is safe and
 * distinct on every file system, including case-insensitive ones: each
 * uppercase letter becomes `^` plus its lowercase form ("MyDoc" → "^my^doc").
 * `^` is not allowed in document names, so the mapping is reversible.
 */
export function documentFileName(documentName: string): string {
  if (!isValidDocumentName(documentName)) {
    throw new StorageError('invalid-name', `refusing to map invalid document name to a file: ${JSON.stringify(documentName.slice(0, 120))}`);
  }
  return documentName.replace(/[A-Z]/g, (letter) => `^${letter.toLowerCase()}`);
}

/** Reverses `documentFileName`; returns `null` for files that no document name maps to. */
export function documentNameFromFileName(fileName: string): string | null {
  if (/[A-Z]/.test(fileName) || /\^(?![a-z])/.test(fileName)) return null;
  const documentName = fileName.replace(/\^([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return isValidDocumentName(documentName) ? documentName : null;
}
