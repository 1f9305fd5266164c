import { createMessageCard } from './dom/createMessageCard.js';
import { h } from './dom/h.js';
import { requireElement } from './dom/requireElement.js';
import { defineTandemEditor } from './embed/defineTandemEditor.js';
import { readEmbedDocumentName } from './embedPage/readEmbedDocumentName.js';
import { readEmbedOptions } from './embedPage/readEmbedOptions.js';
import { asSentence } from './text/asSentence.js';
import { createUserPreferences } from './user/createUserPreferences.js';

/**
 * The page for iframes, served at `/embed/<documentName>`: the document
 * filling the frame and one status line (connection, saving, who is here),
 * nothing else. Query parameters: `token`, `name`, `color`, `readonly=1`,
 * `placeholder` (see `readEmbedOptions`). Without `name`/`color` it uses the
 * name this browser remembers for Tandem, as the app does. Connection and
 * access problems are shown by the `<tandem-editor>` it is made of.
 *
 * @example
 * <iframe src="https://docs.example.com/embed/meeting-notes?name=Ada&color=1565c0" title="Meeting notes"></iframe>
 */
function mountEmbedPage(root: HTMLElement, location: Location): void {
  const found = readEmbedDocumentName(location.pathname);
  if (!found.ok) {
    document.title = 'Invalid document name · Tandem';
    root.replaceChildren(
      h(
        'main',
        { class: 'embed-main embed-main--message' },
        createMessageCard({ title: 'This document name is not valid', detail: asSentence(found.reason), tone: 'error', testId: 'embed-error' }),
      ),
    );
    return;
  }
  const { documentName } = found;
  document.title = `${documentName} · Tandem`;
  const options = readEmbedOptions(location.search);
  // Only asked when the link leaves the name or colour open (it may write a new random user to storage).
  const remembered = options.user.name && options.user.color ? null : createUserPreferences().user;

  defineTandemEditor();
  const editor = h('tandem-editor', {
    server: location.origin,
    document: documentName,
    'user-name': options.user.name ?? remembered?.name,
    'user-color': options.user.color ?? remembered?.color,
    token: options.token,
    readonly: options.readOnly,
    placeholder: options.placeholder,
    'data-testid': 'embed-editor',
  });
  root.replaceChildren(h('main', { class: 'embed-main' }, editor));
}

mountEmbedPage(requireElement(document, '#app'), window.location);
