/**
 * `tandem/element`: the `<tandem-editor>` custom element.
 *
 * @example
 * import { defineTandemEditor } from 'tandem/element';
 * import 'tandem/editor/style.css';
 *
 * defineTandemEditor();
 * // <tandem-editor server="https://docs.example.com" document="meeting-notes" user-name="Ada"></tandem-editor>
 */
export { TandemEditorElement } from './TandemEditorElement.js';
export { defineTandemEditor } from './defineTandemEditor.js';
export type { TandemEditorEventMap, TandemErrorDetail } from './TandemEditorEventMap.js';
export { webSocketUrlFor } from './webSocketUrlFor.js';
