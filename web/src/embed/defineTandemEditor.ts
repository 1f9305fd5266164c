import { TandemEditorElement } from './TandemEditorElement.js';

const TANDEM_EDITOR_TAG = 'tandem-editor';

/**
 * Registers `<tandem-editor>` with the page's custom element registry. Safe to
 * call more than once, and a no-op when the tag is already taken (say, by a
 * second copy of this library on the page), so elements keep working.
 *
 * @example
 * import { defineTandemEditor } from 'tandem/element';
 * defineTandemEditor();
 * document.body.append(Object.assign(document.createElement('tandem-editor'), { id: 'notes' }));
 */
export function defineTandemEditor(registry: CustomElementRegistry = window.customElements): void {
  if (registry.get(TANDEM_EDITOR_TAG)) return;
  registry.define(TANDEM_EDITOR_TAG, TandemEditorElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'tandem-editor': TandemEditorElement;
  }
}
