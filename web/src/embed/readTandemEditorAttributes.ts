import { checkDocumentName } from '../../../common/documentName.js';
import type { CollabUser } from '../editor/CollabUser.js';
import { normalizeHexColor } from '../editor/normalizeHexColor.js';
import { readCollabUser } from '../editor/readCollabUser.js';

/** What a `<tandem-editor>` opens, read and checked from its attributes. */
export interface TandemEditorSettings {
  /** The server's http(s) origin, e.g. `https://docs.example.com`. */
  serverOrigin: string;
  documentName: string;
  user: CollabUser;
  token?: string;
  editable: boolean;
  placeholder?: string;
  /** Keep a copy in this browser's IndexedDB (`offline-storage="off"` turns it off). */
  offlineStorage: boolean;
}

/** The settings, or the first problem with the attributes in words for the page author. */
export type TandemEditorAttributes = { ok: true; settings: TandemEditorSettings } | { ok: false; problem: string };

/**
 * Reads a `<tandem-editor>`'s attributes (`server`, `document`, `user-name`,
 * `user-color`, `token`, `readonly`, `placeholder`, `offline-storage`). Empty attributes count as
 * missing; `defaults` fill in the server and the user.
 *
 * @example
 * readTandemEditorAttributes((name) => element.getAttribute(name), { server: 'https://docs.example.com', user: { name: 'Guest', color: '#1565c0' } })
 * // { ok: true, settings: { serverOrigin: 'https://docs.example.com', documentName: 'notes', … } }
 * // { ok: false, problem: 'the document attribute is missing; …' }
 */
export function readTandemEditorAttributes(
  read: (name: string) => string | null,
  defaults: { server: string; user: CollabUser },
): TandemEditorAttributes {
  const value = (name: string): string | undefined => read(name)?.trim() || undefined;

  const server = value('server') ?? defaults.server;
  const serverOrigin = readServerOrigin(server);
  if (!serverOrigin) return { ok: false, problem: `server="${server}" is not the address of a Tandem server; expected an http(s) origin like https://docs.example.com` };

  const documentName = value('document');
  if (documentName === undefined) return { ok: false, problem: 'the document attribute is missing; it names the document to open, e.g. document="meeting-notes"' };
  const check = checkDocumentName(documentName);
  if (!check.ok) return { ok: false, problem: check.reason };

  const colorAttribute = value('user-color');
  const color = colorAttribute === undefined ? defaults.user.color : normalizeHexColor(colorAttribute);
  if (color === null) return { ok: false, problem: `user-color="${colorAttribute}" is not a colour; expected #rrggbb, e.g. user-color="#1565c0"` };
  // Cut to the length carets show; a name of only spaces counts as none.
  const user = readCollabUser({ name: value('user-name') ?? defaults.user.name, color }) ?? { name: defaults.user.name, color };

  const token = value('token');
  const placeholder = value('placeholder');
  const offlineStorage = value('offline-storage') ?? 'on';
  if (offlineStorage !== 'on' && offlineStorage !== 'off') return { ok: false, problem: `offline-storage="${offlineStorage}" is not allowed; expected "on" (the default) or "off"` };
  return {
    ok: true,
    settings: {
      serverOrigin,
      documentName,
      user,
      ...(token ? { token } : {}),
      // A boolean attribute: present means read-only, whatever its value (as with <input readonly>).
      editable: read('readonly') === null,
      ...(placeholder ? { placeholder } : {}),
      offlineStorage: offlineStorage === 'on',
    },
  };
}

/** The origin of an http(s) URL that is only an origin (a trailing `/` is fine), or `null`. */
function readServerOrigin(server: string): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
  const originOnly = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  return (url.protocol === 'http:' || url.protocol === 'https:') && originOnly ? url.origin : null;
}
