/**
 * Replaces `from` in `text`, failing when it is not there: a test that adapts a shipped
 * config file must notice when the file changed under it rather than test something else.
 */
export function replaceOnce(text: string, from: string | RegExp, to: string): string {
  const found = typeof from === 'string' ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`expected ${String(from)} in the file`);
  return text.replace(from, to);
}
