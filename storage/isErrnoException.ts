/** Narrows an unknown error to a Node.js system error with a `code` (`ENOENT`, `ELOCKED`, …). */
export function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
