import { checkDocumentName, type DocumentNameCheck } from '../../../common/documentName.js';

/** The outcome of reading the document name from the page URL. */
export type DocumentNameFromUrl = { ok: true; documentName: string } | Extract<DocumentNameCheck, { ok: false }>;

/**
 * Reads and checks the document name from an editor URL path, `/d/<documentName>`.
 *
 * @example
 * readDocumentName('/d/meeting-notes') // { ok: true, documentName: 'meeting-notes' }
 * readDocumentName('/d/%E0%A4%A')      // { ok: false, reason: '…' }
 */
export function readDocumentName(pathname: string): DocumentNameFromUrl {
  const match = /^\/d\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { ok: false, reason: `"${pathname}" is not a document address; expected /d/<document name>` };
  let documentName: string;
  try {
    documentName = decodeURIComponent(match[1] ?? '');
  } catch (error) {
    if (error instanceof URIError) return { ok: false, reason: 'the document name in the address is not valid URL encoding' };
    throw error;
  }
  const check = checkDocumentName(documentName);
  return check.ok ? { ok: true, documentName } : check;
}
