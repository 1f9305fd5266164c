import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';
import type { SaveStatus } from '../editor/watchSaveStatus.js';

export interface StatusText {
  label: string;
  /** Words after the label that narrow screens may leave out (they stay in the tooltip). */
  detail?: string;
  description: string;
}

/**
 * What the status pill says, from the connection and save status together.
 * A read-only visitor makes no changes, so they are told whether what they see
 * is live, never "Saving…" or "Saved".
 */
export function statusText(connection: ConnectionStatus, save: SaveStatus, readOnly = false): StatusText {
  if (readOnly) return readOnlyStatusText(connection);
  switch (connection) {
    case 'connecting':
      return { label: 'Connecting…', description: 'Connecting to the server. You can start typing; your changes are kept on this device and sync once connected.' };
    case 'reconnecting':
      return { label: 'Offline', detail: ' – changes kept on this device', description: 'Connection lost. Your changes are kept on this device and sync when it is back.' };
    case 'offline':
      return { label: 'Offline', detail: ' – changes kept on this device', description: 'You are offline. Your changes are kept on this device and sync when you are back online.' };
    case 'connected':
      return save === 'saved'
        ? { label: 'Saved', description: 'Every change is saved on the server.' }
        : { label: 'Saving…', description: 'Connected. Your latest changes are on their way to the server’s disk.' };
  }
}

function readOnlyStatusText(connection: ConnectionStatus): StatusText {
  switch (connection) {
    case 'connecting':
      return { label: 'Connecting…', description: 'Connecting to the server to show the latest version.' };
    case 'reconnecting':
    case 'offline':
      return { label: 'Offline', detail: ' – showing the last version seen', description: 'Connection lost. You see the document as it was; changes by others appear when the connection is back.' };
    case 'connected':
      return { label: 'Live', description: 'Connected. Changes by others appear as they are made.' };
  }
}
