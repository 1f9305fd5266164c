import type { Editor } from '@tiptap/core';
import type { IconName } from '../dom/icon.js';

/** One toolbar button: what it shows, what it does, and when it is pressed or available. */
export interface ToolbarAction {
  /** Stable id; the button gets `data-testid="toolbar-<id>"`. */
  id: string;
  /** Accessible name (`aria-label`) and tooltip text. */
  label: string;
  /** Keyboard shortcut in TipTap notation (`Mod` is ⌘ on Apple devices, Ctrl elsewhere). */
  shortcut: string;
  /** An icon, or a short text such as "H1". */
  face: { icon: IconName } | { text: string };
  run(editor: Editor): boolean;
  /** Present on toggles: the button gets `aria-pressed`. */
  isActive?(editor: Editor): boolean;
  isEnabled(editor: Editor): boolean;
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

/**
 * The formatting toolbar, in groups separated by dividers. Every action is
 * also reachable through StarterKit's keyboard shortcut shown in its tooltip.
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
  ],
];
