import type { Editor } from '@tiptap/core';
import type { IconName } from '../dom/icon.js';

/** What toolbar actions can ask of the toolbar itself. */
export interface ToolbarContext {
  /** Opens the link form (the link button and Mod-K). */
  openLinkForm(): void;
}

/** One toolbar button: what it shows, what it does, and when it is pressed, available or shown. */
export interface ToolbarAction {
  /** Stable id; the button gets `data-testid="toolbar-<id>"`. */
  id: string;
  /** Accessible name (`aria-label`) and tooltip text. */
  label: string;
  /** Keyboard shortcut in TipTap notation (`Mod` is ⌘ on Apple devices, Ctrl elsewhere), if it has one. */
  shortcut?: string;
  /** An icon, or a short text such as "H1". */
  face: { icon: IconName } | { text: string };
  run(editor: Editor, context: ToolbarContext): boolean;
  /** Present on toggles: the button gets `aria-pressed`. */
  isActive?(editor: Editor): boolean;
  isEnabled(editor: Editor): boolean;
  /** Present on buttons that only make sense somewhere (table controls in a table): hidden elsewhere. */
  isVisible?(editor: Editor): boolean;
}

const heading = (level: 1 | 2 | 3): ToolbarAction => ({
  id: `heading-${level}`,
  label: `Heading ${level}`,
  shortcut: `Mod-Alt-${level}`,
  face: { text: `H${level}` },
  run: (editor) => editor.chain().focus().toggleHeading({ level }).run(),
  isActive: (editor) => editor.isActive('heading', { level }),
  isEnabled: (editor) => editor.can().toggleHeading({ level }),
});

const inTable = (editor: Editor) => editor.isActive('table');

/** A table control: shown only while the caret is in a table. */
const tableAction = (id: string, label: string, icon: IconName, run: (editor: Editor) => boolean, can: (editor: Editor) => boolean): ToolbarAction => ({
  id,
  label,
  face: { icon },
  run,
  isEnabled: can,
  isVisible: inTable,
});

/**
 * The formatting toolbar, in groups separated by dividers. Every action with
 * a shortcut shows it in its tooltip (StarterKit's, and Mod-K for links).
 * The last group, the table controls, appears while the caret is in a table.
 */
export const TOOLBAR_GROUPS: readonly (readonly ToolbarAction[])[] = [
  [
    {
      id: 'undo',
      label: 'Undo',
      shortcut: 'Mod-Z',
      face: { icon: 'undo' },
      run: (editor) => editor.chain().focus().undo().run(),
      isEnabled: (editor) => editor.can().undo(),
    },
    {
      id: 'redo',
      label: 'Redo',
      shortcut: 'Mod-Shift-Z',
      face: { icon: 'redo' },
      run: (editor) => editor.chain().focus().redo().run(),
      isEnabled: (editor) => editor.can().redo(),
    },
  ],
  [heading(1), heading(2), heading(3)],
  [
    {
      id: 'bold',
      label: 'Bold',
      shortcut: 'Mod-B',
      face: { icon: 'bold' },
      run: (editor) => editor.chain().focus().toggleBold().run(),
      isActive: (editor) => editor.isActive('bold'),
      isEnabled: (editor) => editor.can().toggleBold(),
    },
    {
      id: 'italic',
      label: 'Italic',
      shortcut: 'Mod-I',
      face: { icon: 'italic' },
      run: (editor) => editor.chain().focus().toggleItalic().run(),
      isActive: (editor) => editor.isActive('italic'),
      isEnabled: (editor) => editor.can().toggleItalic(),
    },
    {
      id: 'strike',
      label: 'Strikethrough',
      shortcut: 'Mod-Shift-S',
      face: { icon: 'strike' },
      run: (editor) => editor.chain().focus().toggleStrike().run(),
      isActive: (editor) => editor.isActive('strike'),
      isEnabled: (editor) => editor.can().toggleStrike(),
    },
    {
      id: 'code',
      label: 'Inline code',
      shortcut: 'Mod-E',
      face: { icon: 'code' },
      run: (editor) => editor.chain().focus().toggleCode().run(),
      isActive: (editor) => editor.isActive('code'),
      isEnabled: (editor) => editor.can().toggleCode(),
    },
    {
      id: 'highlight',
      label: 'Highlight',
      shortcut: 'Mod-Shift-H',
      face: { icon: 'highlight' },
      run: (editor) => editor.chain().focus().toggleHighlight().run(),
      isActive: (editor) => editor.isActive('highlight'),
      isEnabled: (editor) => editor.can().toggleHighlight(),
    },
    {
      id: 'link',
      label: 'Link',
      shortcut: 'Mod-K',
      face: { icon: 'link' },
      run: (_editor, context) => {
        context.openLinkForm();
        return true;
      },
      isActive: (editor) => editor.isActive('link'),
      // Not where links cannot go (code); an existing link can always be edited or removed.
      isEnabled: (editor) => editor.isActive('link') || editor.can().setLink({ href: 'https://example.com' }),
    },
  ],
  [
    {
      id: 'bullet-list',
      label: 'Bulleted list',
      shortcut: 'Mod-Shift-8',
      face: { icon: 'bulletList' },
      run: (editor) => editor.chain().focus().toggleBulletList().run(),
      isActive: (editor) => editor.isActive('bulletList'),
      isEnabled: (editor) => editor.can().toggleBulletList(),
    },
    {
      id: 'ordered-list',
      label: 'Numbered list',
      shortcut: 'Mod-Shift-7',
      face: { icon: 'orderedList' },
      run: (editor) => editor.chain().focus().toggleOrderedList().run(),
      isActive: (editor) => editor.isActive('orderedList'),
      isEnabled: (editor) => editor.can().toggleOrderedList(),
    },
    {
      id: 'task-list',
      label: 'Task list',
      shortcut: 'Mod-Shift-9',
      face: { icon: 'taskList' },
      run: (editor) => editor.chain().focus().toggleTaskList().run(),
      isActive: (editor) => editor.isActive('taskList'),
      isEnabled: (editor) => editor.can().toggleTaskList(),
    },
    {
      id: 'blockquote',
      label: 'Quote',
      shortcut: 'Mod-Shift-B',
      face: { icon: 'blockquote' },
      run: (editor) => editor.chain().focus().toggleBlockquote().run(),
      isActive: (editor) => editor.isActive('blockquote'),
      isEnabled: (editor) => editor.can().toggleBlockquote(),
    },
    {
      id: 'code-block',
      label: 'Code block',
      shortcut: 'Mod-Alt-C',
      face: { icon: 'codeBlock' },
      run: (editor) => editor.chain().focus().toggleCodeBlock().run(),
      isActive: (editor) => editor.isActive('codeBlock'),
      isEnabled: (editor) => editor.can().toggleCodeBlock(),
    },
    {
      id: 'table',
      label: 'Insert table',
      face: { icon: 'table' },
      run: (editor) => editor.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run(),
      // A table in a table is more confusing than useful.
      isEnabled: (editor) => !inTable(editor) && editor.can().insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
    },
  ],
  [
    tableAction('add-row', 'Add row below', 'rowAdd', (editor) => editor.chain().focus().addRowAfter().run(), (editor) => editor.can().addRowAfter()),
    tableAction('add-column', 'Add column to the right', 'columnAdd', (editor) => editor.chain().focus().addColumnAfter().run(), (editor) => editor.can().addColumnAfter()),
    tableAction('delete-row', 'Delete row', 'rowDelete', (editor) => editor.chain().focus().deleteRow().run(), (editor) => editor.can().deleteRow()),
    tableAction('delete-column', 'Delete column', 'columnDelete', (editor) => editor.chain().focus().deleteColumn().run(), (editor) => editor.can().deleteColumn()),
    tableAction('delete-table', 'Delete table', 'tableDelete', (editor) => editor.chain().focus().deleteTable().run(), (editor) => editor.can().deleteTable()),
  ],
];
