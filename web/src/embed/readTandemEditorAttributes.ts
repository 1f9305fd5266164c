import { checkDocumentName } from '../../../common/documentName.js';
import type { CollabUser } from '../editor/CollabUser.js';
import { normalizeHexColor } from '../editor/normalizeHexColor.js';
import { readCollabUser } from '../editor/readCollabUser.js';

/** What a `<tandem-editor>` opens, read and checked from its attributes. */
export interface TandemEditorSettings {
  /**
   * The server's http(s) origin, e.g. `https://docs.example.com`; or several instances of one
   * deployment, in the order to try them (the editor moves on to the next when a connection is lost).
   */
  serverOrigins: readonly [string, ...string[]];
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
 * missing; `defaults` fill in the server and the user. `server` holds one origin or several,
 * separated by whitespace or commas.
 *
 * @example
 * readTandemEditorAttributes((name) => element.getAttribute(name), { server: 'https://docs.example.com', user: { name: 'Guest', color: '#1565c0' } })
 * // { ok: true, settings: { serverOrigins: ['https://docs.example.com'], documentName: 'notes', … } }
 * // { ok: false, problem: 'the document attribute is missing; …' }
 */
export function readTandemEditorAttributes(
  read: (name: string) => string | null,
  defaults: { server: string; user: CollabUser },
): TandemEditorAttributes {
  const value = (name: string): string | undefined => read(name)?.trim() || undefined;

  const server = value('server') ?? defaults.server;
  const serverOrigins = readServerOrigins(server);
  if (!serverOrigins.ok) {
    // In a list, say which entry is wrong.
    const subject = serverOrigins.bad === server || serverOrigins.bad === '' ? `server="${server}" is` : `server="${server}" lists "${serverOrigins.bad}", which is`;
    return {
      ok: false,
      problem: `${subject} not the address of a Tandem server; expected an http(s) origin like https://docs.example.com, or several separated by spaces or commas`,
    };
  }

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
      serverOrigins: serverOrigins.origins,
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

/** Every origin in a whitespace- or comma-separated list, or the first entry that is not one. */
function readServerOrigins(server: string): { ok: true; origins: readonly [string, ...string[]] } | { ok: false; bad: string } {
  const [first = '', ...rest] = server.split(/[\s,]+/).filter((entry) => entry !== '');
  const firstOrigin = readServerOrigin(first);
  if (!firstOrigin) return { ok: false, bad: first };
  const origins: [string, ...string[]] = [firstOrigin];
  for (const entry of rest) {
    const origin = readServerOrigin(entry);
    if (!origin) return { ok: false, bad: entry };
    origins.push(origin);
  }
  return { ok: true, origins };
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
