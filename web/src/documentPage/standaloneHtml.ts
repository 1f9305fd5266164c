/** Enough style for an exported document to read well on its own, in light and dark. */
const STYLE = `
  :root { color-scheme: light dark; }
  body { max-width: 46rem; margin: 3rem auto; padding: 0 1.25rem; font: 16px/1.65 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
  h1, h2, h3 { line-height: 1.25; }
  pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em; }
  pre { padding: 0.8rem 1rem; border-radius: 6px; background: rgb(127 127 127 / 0.12); overflow-x: auto; }
  blockquote { margin-left: 0; padding-left: 1rem; border-left: 3px solid rgb(127 127 127 / 0.4); }
  table { border-collapse: collapse; }
  th, td { padding: 0.35rem 0.7rem; border: 1px solid rgb(127 127 127 / 0.4); text-align: left; vertical-align: top; }
  th p, td p { margin: 0; }
  ul[data-type='taskList'] { padding-left: 0.2rem; list-style: none; }
  ul[data-type='taskList'] li { display: flex; gap: 0.5rem; }
  ul[data-type='taskList'] li > label { flex: none; }
  ul[data-type='taskList'] li > div > p { margin: 0; }
  mark { padding: 0 0.1em; border-radius: 2px; }
`;

/**
 * A complete HTML document around an editor's HTML, readable on its own:
 * `<title>`, character set, viewport and a little style.
 *
 * @example
 * standaloneHtml('Meeting notes', '<h1>Meeting notes</h1><p>…</p>')
 */
export function standaloneHtml(title: string, bodyHtml: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    bodyHtml,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
