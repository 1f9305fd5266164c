/**
 * The self-contained bundle the server serves at `/lib/tandem-editor.js`
 * (built by `web/vite.lib.config.ts`): the editor API and `<tandem-editor>`,
 * registered on load, with its stylesheet added to the page. One script tag is
 * all a page needs.
 *
 * @example
 * <script type="module" src="https://docs.example.com/lib/tandem-editor.js"></script>
 * <tandem-editor document="meeting-notes" user-name="Ada"></tandem-editor>
 *
 * <script type="module">
 *   import { createCollabEditor } from 'https://docs.example.com/lib/tandem-editor.js';
 * </script>
 */
import '../styles/content.css';
import '../styles/carets.css';
import './tandem-editor.css';
import { defineTandemEditor } from './defineTandemEditor.js';
import { ensureStylesheet } from './ensureStylesheet.js';

export * from '../editor/index.js';
export * from './index.js';

/** The stylesheet the build writes next to this script. */
const STYLESHEET = 'tandem-editor.css';

// Held in a variable: Vite rewrites `new URL('literal', import.meta.url)` into a bundled asset.
const moduleUrl = import.meta.url;
ensureStylesheet(document, new URL(STYLESHEET, moduleUrl).href);
defineTandemEditor();
