/** How long the file's data stays reachable for the browser's download. */
const REVOKE_AFTER_MS = 30_000;

/**
 * Saves `text` as a file called `fileName` through the browser's download,
 * without a round trip to the server.
 *
 * @example
 * downloadFile('notes.md', '# Notes\n', 'text/markdown');
 */
export function downloadFile(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Not at once: some browsers start reading the data only after the click has returned (FileSaver.js waits too).
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
