import type { AnyExtension } from '@tiptap/core';
import { Highlight } from '@tiptap/extension-highlight';
import { TaskItem, TaskList } from '@tiptap/extension-list';
import { TableKit } from '@tiptap/extension-table';
import { StarterKit } from '@tiptap/starter-kit';
import { hasAllowedProtocol } from './hasAllowedProtocol.js';
import { SafeLink } from './SafeLink.js';

/**
 * The extensions that define what a Tandem document can hold: its schema.
 * The editor, the server (seeding imported content) and the converters all
 * build from this one list, so a document written by one reads the same in
 * the others. Editor-only behaviour (collaboration, carets, placeholder) is
 * added by the editor on top.
 *
 * Blocks: paragraph, headings 1–3, bullet, ordered and task lists, quote,
 * code block, horizontal rule, table. Marks: bold, italic, underline, strike,
 * code, highlight, link.
 */
export function documentExtensions(): AnyExtension[] {
  return [
    StarterKit.configure({
      // Collaboration brings its own undo/redo, bound to Yjs: undo only reverts your own changes.
      undoRedo: false,
      heading: { levels: [1, 2, 3] },
      // It appends an empty paragraph after a trailing table or list in every editor that sees one,
      // remote changes included: two people in a document would each add one. The gap cursor
      // (Arrow keys past the last block) lets you write after it instead.
      trailingNode: false,
      // Replaced by SafeLink below.
      link: false,
    }),
    SafeLink.configure({
      // A click places the caret, as anywhere else in the text; Ctrl/⌘-click opens the link (the editor adds that).
      openOnClick: false,
      autolink: true,
      linkOnPaste: true,
      defaultProtocol: 'https',
      isAllowedUri: (url, { defaultValidate }) => defaultValidate(url) && hasAllowedProtocol(url),
    }),
    TaskList,
    TaskItem.configure({ nested: true }),
    Highlight,
    TableKit.configure({ table: { resizable: false } }),
  ];
}
