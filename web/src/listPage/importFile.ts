import { DOCUMENT_NAME_MAX_LENGTH } from '../../../common/documentName.js';
import { asSentence } from '../text/asSentence.js';
import { ApiError } from './ApiError.js';
import type { DocumentContent } from './createDocument.js';
import { documentNameFromFileName } from './documentNameFromFileName.js';
import { IMPORT_FILE_TYPES, importFormat } from './importFormat.js';
import { nextFreeName } from './nextFreeName.js';

/** How many names to try when the server keeps saying the name is taken (someone else is creating documents too). */
const MAX_ATTEMPTS = 5;

export interface ImportFileOptions {
  /** Whether a document of this name exists (as far as the page knows; the server has the last word). */
  taken: (documentName: string) => boolean;
  /** Creates the document with the file's content on the server (see `createDocument`). */
  create: (documentName: string, content: DocumentContent) => Promise<void>;
  /**
   * The names the visitor's access link covers, and a prefix that makes a name covered (a `team-*`
   * link imports `notes.md` as `team-notes`). Default: every name.
   */
  coverage?: { covers: (documentName: string) => boolean; prefix: string | null; description: string };
}

/**
 * Creates a document from a Markdown or HTML file: names it after the file
 * (made valid and unused, see `documentNameFromFileName`), and sends the text
 * for the server to convert. Resolves with the new document's name. Rejects
 * with an `Error` whose message is a sentence for the visitor (the server's
 * error, if any, is its `cause`).
 */
export async function importFile(file: Pick<File, 'name' | 'text'>, options: ImportFileOptions): Promise<string> {
  const format = importFormat(file.name);
  if (!format) throw new Error(`“${file.name}” is not a Markdown or HTML file. Choose a file ending in ${IMPORT_FILE_TYPES.join(', ')}.`);
  const base = coveredName(documentNameFromFileName(file.name), options.coverage);
  const value = await file.text().catch((error: unknown) => {
    throw new Error(`“${file.name}” could not be read: ${asSentence(error instanceof Error ? error.message : String(error))}`, { cause: error });
  });
  const refused = new Set<string>();
  for (let attempt = 1; ; attempt += 1) {
    const name = nextFreeName(base, (candidate) => refused.has(candidate) || options.taken(candidate));
    try {
      await options.create(name, { format, value });
      return name;
    } catch (error) {
      // The page's list was out of date: someone just created a document of that name.
      if (error instanceof ApiError && error.code === 'document-exists' && attempt < MAX_ATTEMPTS) {
        refused.add(name);
        continue;
      }
      throw new Error(explain(error, file.name, name), { cause: error });
    }
  }
}

/** `name`, or `name` behind the link's prefix when only that is covered; throws when neither is. */
function coveredName(name: string, coverage: ImportFileOptions['coverage']): string {
  if (!coverage || coverage.covers(name)) return name;
  const prefixed = coverage.prefix === null ? null : `${coverage.prefix}${name}`.slice(0, DOCUMENT_NAME_MAX_LENGTH - 4);
  if (prefixed !== null && coverage.covers(prefixed)) return prefixed;
  throw new Error(`Your access link does not let you create a document named after this file. It covers ${coverage.description}.`);
}

function explain(error: unknown, fileName: string, documentName: string): string {
  if (error instanceof ApiError) {
    switch (error.status) {
      case 400:
        return `“${fileName}” could not be imported: ${asSentence(error.message)}`;
      case 401:
        return 'Your access link has expired or is not valid, so nothing was imported. Ask for a new link.';
      case 403:
        return `Your access link does not let you create “${documentName}”.`;
      case 409:
        return `Documents named like “${documentName}” keep appearing; rename the file and try again.`;
      case 413:
        return `“${fileName}” is too large for this server: ${asSentence(error.message)}`;
    }
    return `“${fileName}” could not be imported: ${asSentence(error.message)}`;
  }
  // fetch rejects with a TypeError when the server cannot be reached.
  if (error instanceof TypeError) return `“${fileName}” could not be imported: the server could not be reached.`;
  return `“${fileName}” could not be imported: ${asSentence(error instanceof Error ? error.message : String(error))}`;
}
