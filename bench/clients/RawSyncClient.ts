import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { connectWebSocket } from './connectWebSocket.js';
import type { ConnectSync, SyncConnection } from './SyncConnection.js';

/** y-websocket message types the bench speaks (see server/protocol/messageTypes.ts for the layout). */
const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export interface RawSyncClientOptions {
  /**
   * Answer sync step 1 with step 2. True against a real server (it asks once);
   * false against the bare relay, which forwards every other client's step 1
   * and would turn each join into a storm of answers.
   */
  answersSyncStep1: boolean;
  /** Start from this document (say, a large one to upload); a fresh one by default. */
  doc?: Y.Doc;
  /**
   * Apply what arrives at once (default true). False keeps the payloads in
   * `received` for `applyReceived()` later: hundreds of clients in one
   * process cannot each apply 1,000 updates a second, and the bench measures
   * the server's delivery, not the client's Yjs.
   */
  applyOnReceipt?: boolean;
  /** Called with every sync step 2 or update payload, stamped with `performance.now()` on arrival. */
  onPayload?: (payload: Uint8Array, receivedAt: number) => void;
  /** How to reach the server; a plain `ws` socket (`connectWebSocket`) by default. */
  connect?: ConnectSync;
}

function syncMessage(syncType: number, payload: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, syncType);
  encoding.writeVarUint8Array(encoder, payload);
  return encoding.toUint8Array(encoder);
}

/**
 * A y-websocket client without the provider's extras (awareness, reconnects,
 * broadcast channel), so one process can run hundreds of them: sends sync
 * step 1 on open, applies step 2 and updates, sends its own document's
 * changes. Other message types (awareness, Tandem's saved state) are ignored.
 */
export class RawSyncClient {
  readonly doc: Y.Doc;
  readonly connection: SyncConnection;
  /** Resolves when the connection is open (and step 1 is sent); rejects if it fails to open. */
  readonly opened: Promise<void>;
  /** True once a sync step 2 arrived (a real server's answer to our step 1). */
  receivedSyncStep2 = false;
  /** Payloads not yet applied (with `applyOnReceipt: false`). */
  readonly received: Uint8Array[] = [];
  receivedBytes = 0;
  /** Set if the connection closed before `close()` was called. */
  unexpectedClose: { code: number; reason: string } | null = null;
  readonly #answersSyncStep1: boolean;
  readonly #applyOnReceipt: boolean;
  readonly #onPayload: ((payload: Uint8Array, receivedAt: number) => void) | undefined;
  readonly #step2Listeners = new Set<() => void>();
  #closing = false;

  constructor(url: string, options: RawSyncClientOptions) {
    this.doc = options.doc ?? new Y.Doc();
    this.#answersSyncStep1 = options.answersSyncStep1;
    this.#applyOnReceipt = options.applyOnReceipt ?? true;
    this.#onPayload = options.onPayload;
    let opening: { resolve: () => void; reject: (error: Error) => void } | null = null;
    this.opened = new Promise((resolve, reject) => (opening = { resolve, reject }));
    this.connection = (options.connect ?? connectWebSocket)(url, {
      onOpen: () => {
        this.connection.send(syncMessage(SYNC_STEP_1, Y.encodeStateVector(this.doc)));
        opening?.resolve();
        opening = null;
      },
      onFrame: (frame) => this.#receive(frame),
      // Errors after opening surface as `unexpectedClose` (a close follows every error).
      onError: (error) => {
        opening?.reject(error);
        opening = null;
      },
      onClose: (code, reason) => {
        opening?.reject(new Error(`closed before it opened: ${code} ${reason}`));
        opening = null;
        if (!this.#closing) this.unexpectedClose = { code, reason };
      },
    });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== this && this.connection.isOpen) this.connection.send(syncMessage(SYNC_UPDATE, update));
    });
  }

  /** Subscribes to the arrival of a sync step 2; returns the unsubscribe function. */
  onSyncStep2(listener: () => void): () => void {
    this.#step2Listeners.add(listener);
    return () => this.#step2Listeners.delete(listener);
  }

  /** Applies the payloads kept so far (in one transaction: far faster than one each). */
  applyReceived(): void {
    const payloads = this.received.splice(0);
    this.doc.transact(() => {
      for (const payload of payloads) Y.applyUpdate(this.doc, payload, this);
    }, this);
  }

  /** Closes the connection and resolves once it is closed. */
  close(): Promise<void> {
    this.#closing = true;
    return this.connection.close();
  }

  #receive(frame: Uint8Array): void {
    const receivedAt = performance.now();
    const decoder = decoding.createDecoder(frame);
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
    const syncType = decoding.readVarUint(decoder);
    const payload = decoding.readVarUint8Array(decoder);
    switch (syncType) {
      case SYNC_STEP_1:
        if (this.#answersSyncStep1) this.connection.send(syncMessage(SYNC_STEP_2, Y.encodeStateAsUpdate(this.doc, payload)));
        return;
      case SYNC_STEP_2:
        this.#take(payload, receivedAt);
        this.receivedSyncStep2 = true;
        for (const listener of this.#step2Listeners) listener();
        return;
      case SYNC_UPDATE:
        this.#take(payload, receivedAt);
        return;
      default:
        throw new Error(`unknown sync message type ${syncType} (${frame.byteLength} bytes)`);
    }
  }

  #take(payload: Uint8Array, receivedAt: number): void {
    this.receivedBytes += payload.byteLength;
    if (this.#applyOnReceipt) Y.applyUpdate(this.doc, payload, this);
    else this.received.push(payload);
    this.#onPayload?.(payload, receivedAt);
  }
}
