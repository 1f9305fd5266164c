/**
 * The one rule for document names, shared by the server (every route), the
 * storage layer (file names) and the web app (the create form).
 *
 * A name is 1–100 characters of ASCII letters, digits, `-`, `_` and `.`,
 * starting with a letter or digit. The rule keeps names safe in URLs (the
 * stock y-websocket client appends the name to the URL without encoding it)
 * and on every file system (no `/`, no `..`, no leading dot).
 */
export const DOCUMENT_NAME_MAX_LENGTH = 100;

export const DOCUMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Human-readable statement of the rule, used in error messages and the UI. */
export const DOCUMENT_NAME_RULE =
  `1–${DOCUMENT_NAME_MAX_LENGTH} characters: letters, digits, "-", "_" and ".", starting with a letter or digit`;

export type DocumentNameCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a candidate document name and explains what is wrong with it.
 *
 * @example
 * checkDocumentName('meeting-notes') // { ok: true }
 * checkDocumentName('../etc/passwd') // { ok: false, reason: '…' }
 */
export function checkDocumentName(name: string): DocumentNameCheck {
  if (name.length === 0) {
    return { ok: false, reason: `document name is empty; expected ${DOCUMENT_NAME_RULE}` };
  }
  if (name.length > DOCUMENT_NAME_MAX_LENGTH) {
    return {
      ok: false,
      reason: `document name is ${name.length} characters long; expected ${DOCUMENT_NAME_RULE}`,
    };
  }
  if (!DOCUMENT_NAME_PATTERN.test(name)) {
    return { ok: false, reason: `document name "${truncateForMessage(name)}" is not allowed; expected ${DOCUMENT_NAME_RULE}` };
  }
  return { ok: true };
}

export function isValidDocumentName(name: string): boolean {
  return checkDocumentName(name).ok;
}

function truncateForMessage(name: string): string {
  const printable = name.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
