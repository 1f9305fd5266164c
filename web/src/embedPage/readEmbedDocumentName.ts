import { readDocumentName, type DocumentNameFromUrl } from '../documentPage/readDocumentName.js';

/**
 * Reads and checks the document name from an embed URL path, `/embed/<documentName>`.
 *
 * @example
 * readEmbedDocumentName('/embed/meeting-notes') // { ok: true, documentName: 'meeting-notes' }
 * readEmbedDocumentName('/embed/a%20b')         // { ok: false, reason: '…' }
 */
export function readEmbedDocumentName(pathname: string): DocumentNameFromUrl {
  return readDocumentName(pathname, 'embed');
}
