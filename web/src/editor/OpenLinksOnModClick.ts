import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { hasAllowedProtocol } from '../../../common/content/hasAllowedProtocol.js';

/**
 * Opens a link in a new tab on Ctrl/⌘-click, or on a plain click when the
 * editor is read-only. A plain click in an editable document places the caret,
 * as it does anywhere else in the text.
 */
export const OpenLinksOnModClick = Extension.create({
  name: 'openLinksOnModClick',
  addProseMirrorPlugins() {
    return [
      new Plugin({
        key: new PluginKey('openLinksOnModClick'),
        props: {
          handleClick(view, _position, event) {
            if (event.button !== 0 || !(event.ctrlKey || event.metaKey || !view.editable)) return false;
            // The link the pointer is on (the selection may be elsewhere until this click is handled).
            const href = event.target instanceof Element ? event.target.closest('a[href]')?.getAttribute('href') : null;
            if (!href || !hasAllowedProtocol(href)) return false;
            window.open(href, '_blank', 'noopener,noreferrer');
            return true;
          },
        },
      }),
    ];
  },
});
