import * as Y from 'yjs';
import type { RoomRegistry } from '../rooms/RoomRegistry.js';
import type { DocumentDescription } from './createWebhookNotifier.js';

/**
 * Title and size of a document the registry has open, for a webhook body;
 * `undefined` when it is not in memory (reading the store for it would cost
 * more than an event is worth: receivers can ask the API). The size is the
 * whole document as one Yjs update, like `GET …/content?format=yjs`.
 */
export function describeOpenDocument(registry: RoomRegistry, documentName: string): DocumentDescription | undefined {
  const room = registry.get(documentName);
  if (!room || room.destroyed) return undefined;
  return { title: room.title, size: Y.encodeStateAsUpdate(room.doc).byteLength };
}
