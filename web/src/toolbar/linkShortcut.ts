import { Extension } from '@tiptap/core';

/**
 * Mod-K in the document opens the link form (`onOpen`), as in most editors.
 * Pass it in the editor's `extensions`; it adds behaviour, not schema.
 *
 * @example
 * createCollabEditor({ …, extensions: [linkShortcut(() => toolbar.openLinkForm())] });
 */
export function linkShortcut(onOpen: () => void): Extension {
  return Extension.create({
    name: 'tandemLinkShortcut',
    addKeyboardShortcuts() {
      return {
        'Mod-k': () => {
          onOpen();
          return true;
        },
      };
    },
  });
}
