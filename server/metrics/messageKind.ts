import { MessageType, SyncMessageType } from '../protocol/messageTypes.js';

/** The message kinds metrics are labelled with: a small, fixed set (never a document name). */
export const MESSAGE_KINDS = ['sync_step1', 'sync_step2', 'sync_update', 'awareness', 'other'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/**
 * The kind of a y-websocket frame, read from its first bytes (layout in
 * `protocol/messageTypes.ts`) without decoding the payload: cheap enough for
 * every frame in and out. The known types are single-byte varints, so a byte
 * of 128 or more (a longer varint) is some other message. Anything else
 * (query-awareness, auth, Tandem's saved-state message, garbage the decoder
 * will refuse) is `other`.
 */
export function messageKind(frame: Uint8Array): MessageKind {
  if (frame[0] === MessageType.awareness) return 'awareness';
  if (frame[0] !== MessageType.sync) return 'other';
  switch (frame[1]) {
    case SyncMessageType.step1:
      return 'sync_step1';
    case SyncMessageType.step2:
      return 'sync_step2';
    case SyncMessageType.update:
      return 'sync_update';
    default:
      return 'other';
  }
}
