import type { ConnectionStatus } from '../editor/watchConnectionStatus.js';

/** What the status pill says for each status: a short label and a sentence for its tooltip. */
export const STATUS_TEXT: Record<ConnectionStatus, { label: string; description: string }> = {
  connecting: { label: 'Connecting…', description: 'Connecting to the server. You can start typing; your edits sync once connected.' },
  connected: { label: 'Connected', description: 'Connected. Your edits are saved and shared live.' },
  reconnecting: { label: 'Reconnecting…', description: 'Connection lost. Your edits are kept here and sync when it is back.' },
  offline: { label: 'Offline', description: 'You are offline. Your edits are kept here and sync when you are back online.' },
};
