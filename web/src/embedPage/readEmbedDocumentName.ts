import type { DocumentNameFromUrl } from '../documentPage/readDocumentName.js';
import { checkDocumentName } from '../../../common/documentName.js';

/**
 * Reads and checks the document name from an embed URL path, `/embed/<documentName>`.
 *
 * @example
 * readEmbedDocumentName('/embed/meeting-notes') // { ok: true, documentName: 'meeting-notes' }
 * readEmbedDocumentName('/embed/a%20b')         // { ok: false, reason: '…' }
 */
export function readEmbedDocumentName(pathname: string): DocumentNameFromUrl {
  const match = /^\/embed\/([^/]*)\/?$/.exec(pathname);
  if (!match) return { ok: false, reason: `"${pathname}" is not an embed address; expected /embed/<document name>` };
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
