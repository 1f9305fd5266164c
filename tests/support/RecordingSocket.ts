import * as Y from 'yjs';
import { decodeMessage } from '../../server/protocol/decodeMessage.js';
import type { WebSocketLike } from '../../server/rooms/Peer.js';

/** Stands in for a client's socket in room unit tests: records what the room sends and how it closed it. */
export class RecordingSocket implements WebSocketLike {
  readonly frames: Uint8Array[] = [];
  closedWith: { code: number; reason: string } | null = null;

  send(frame: Uint8Array): void {
    this.frames.push(frame);
  }

  close(code: number, reason: string): void {
    this.closedWith = { code, reason };
  }

  /** The message types received so far, in order. */
  messageTypes(): string[] {
    return this.frames.map((frame) => decodeMessage(frame).type);
  }

  /** Applies every sync frame received so far to a fresh doc. */
  replay(): Y.Doc {
    const doc = new Y.Doc();
    for (const frame of this.frames) {
      const message = decodeMessage(frame);
      if (message.type === 'sync-update' || message.type === 'sync-step2') Y.applyUpdate(doc, message.update);
    }
    return doc;
  }
}
