import { checkDocumentName, type DocumentNameCheck } from '../../../common/documentName.js';

/** The outcome of reading the document name from the page URL. */
export type DocumentNameFromUrl = { ok: true; documentName: string } | Extract<DocumentNameCheck, { ok: false }>;

/** The routes that carry a document name, and what to call an address of each in an error. */
const ROUTES = { d: 'a document address', embed: 'an embed address' } as const;

/**
 * Reads and checks the document name from an editor URL path, `/d/<documentName>`
 * (or `/embed/<documentName>` with `route: 'embed'`).
 *
 * @example
 * readDocumentName('/d/meeting-notes') // { ok: true, documentName: 'meeting-notes' }
 * readDocumentName('/d/%E0%A4%A')      // { ok: false, reason: '…' }
 * readDocumentName('/embed/notes', 'embed') // { ok: true, documentName: 'notes' }
 */
export function readDocumentName(pathname: string, route: keyof typeof ROUTES = 'd'): DocumentNameFromUrl {
  const match = new RegExp(`^/${route}/([^/]*)/?$`).exec(pathname);
  if (!match) return { ok: false, reason: `"${pathname}" is not ${ROUTES[route]}; expected /${route}/<document name>` };
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
