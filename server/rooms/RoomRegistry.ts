import type { Logger } from 'pino';
import type { DocumentStore } from '../../storage/DocumentStore.js';
import { CloseCode } from './closeCodes.js';
import type { Peer } from './Peer.js';
import { Room, type DocumentEvent, type SnapshotPolicy } from './Room.js';

export interface RoomRegistryOptions {
  store: DocumentStore;
  logger: Logger;
  snapshotPolicy: SnapshotPolicy;
  /** See `RoomOptions.maxDocumentBytes`. */
  maxDocumentBytes: number;
  /** Told when a document is created, changed or deleted (see `RoomOptions.onDocumentEvent`). */
  onDocumentEvent?: (event: DocumentEvent) => void;
}

/** Thrown by `join` while the server shuts down; the peer should be closed with 1012 and retry. */
export class ShuttingDownError extends Error {
  constructor() {
    super('server is shutting down');
    this.name = 'ShuttingDownError';
  }
}

/**
 * The loaded rooms of one server. Loads a document once however many peers
 * join at the same time, unloads it when the last peer has left and its last
 * save has finished, and flushes every room on close.
 */
export class RoomRegistry {
  readonly #rooms = new Map<string, Room>();
  readonly #loading = new Map<string, Promise<Room>>();
  readonly #unloading = new Set<Room>();
  /** Documents being deleted; joining or creating one waits until it is gone. */
  readonly #deleting = new Map<string, Promise<boolean>>();
  readonly #options: RoomRegistryOptions;
  #closing = false;

  constructor(options: RoomRegistryOptions) {
    this.#options = options;
  }

  /** Number of documents in memory. */
  get size(): number {
    return this.#rooms.size;
  }

  /** The loaded room of a document, if any (for status pages and tests). */
  get(documentName: string): Room | undefined {
    return this.#rooms.get(documentName);
  }

  /**
   * Adds `peer` to the room of `documentName`, loading the document first if
   * needed. Rejects if the document cannot be loaded: the peer must be refused
   * rather than served an empty document that would later overwrite the stored one.
   */
  async join(documentName: string, peer: Peer): Promise<Room> {
    const room = await this.#open(documentName);
    room.addPeer(peer);
    return room;
  }

  /**
   * Creates a document whose first content is `update` (see `Room.seed`) and
   * resolves `true` once that content is on disk; resolves `false`, changing
   * nothing, when the document already exists. Editors already in the
   * (empty) document see the content arrive.
   */
  async create(documentName: string, update: Uint8Array): Promise<boolean> {
    const room = await this.#open(documentName);
    try {
      if (!room.seed(update)) return false;
      await room.flush();
      return true;
    } finally {
      // Refused (it exists, or too large) or written: either way nobody may be in it to keep it loaded.
      this.#unloadIfIdle(room);
    }
  }

  /**
   * Deletes a document: its peers are closed with 4404 (stock clients stop
   * reconnecting, so none re-uploads the text), what is queued is written and
   * then removed with the rest. Resolves `false` when there was no such
   * document. Joins that arrive meanwhile wait and then find a new, empty document.
   */
  delete(documentName: string): Promise<boolean> {
    if (this.#closing) return Promise.reject(new ShuttingDownError());
    const pending = this.#deleting.get(documentName);
    if (pending) return pending;
    const deletion = this.#delete(documentName).finally(() => this.#deleting.delete(documentName));
    this.#deleting.set(documentName, deletion);
    return deletion;
  }

  async #delete(documentName: string): Promise<boolean> {
    // A load in progress ends with a room whose peers must be closed too (a failed one leaves no room, and files to delete).
    await this.#loading.get(documentName)?.catch(() => undefined);
    const room = this.#rooms.get(documentName);
    let wasLoaded = false;
    if (room && !room.destroyed && room.exists) {
      wasLoaded = true;
      const reason = 'this document was deleted';
      room.closePeers(CloseCode.documentDeleted, reason);
      // In-flight writes must land before the files go, or one could recreate the document after it.
      await room.flush();
      // A join that was already past its wait may have added a peer during the flush.
      room.closePeers(CloseCode.documentDeleted, reason);
      room.destroy();
      this.#rooms.delete(documentName);
    }
    const deleted = (await this.#options.store.delete(documentName)) || wasLoaded;
    if (deleted) {
      this.#options.logger.info({ documentName }, 'document deleted');
      this.#options.onDocumentEvent?.({ type: 'deleted', documentName });
    }
    return deleted;
  }

  /** The live room of a document, loaded if needed, once no deletion of it is in progress. */
  async #open(documentName: string): Promise<Room> {
    for (;;) {
      await this.#deleting.get(documentName)?.catch(() => undefined);
      if (this.#closing) throw new ShuttingDownError();
      const room = this.#rooms.get(documentName) ?? (await this.#load(documentName));
      if (this.#closing) throw new ShuttingDownError();
      // The room may have been unloaded or deleted while we waited; then start again.
      if (room.destroyed || this.#deleting.has(documentName)) continue;
      return room;
    }
  }

  /** Closes every peer with 1012 (clients reconnect), saves every room, and frees them. Rejects if some document could not be saved. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled(this.#loading.values());
    const failures: string[] = [];
    await Promise.all(
      [...this.#rooms.values()].map(async (room) => {
        room.closePeers(CloseCode.serviceRestart, 'server is restarting');
        try {
          await room.flush();
        } catch (error) {
          failures.push(room.documentName);
          this.#options.logger.error({ err: error, documentName: room.documentName }, 'could not save document during shutdown');
        }
        room.destroy();
        this.#rooms.delete(room.documentName);
      }),
    );
    if (failures.length > 0) throw new Error(`could not save ${failures.length} document(s) during shutdown: ${failures.join(', ')}`);
  }

  #load(documentName: string): Promise<Room> {
    const pending = this.#loading.get(documentName);
    if (pending) return pending;
    const loading = this.#options.store
      .load(documentName)
      .then((stored) => {
        const room = new Room({
          documentName,
          stored,
          store: this.#options.store,
          logger: this.#options.logger,
          snapshotPolicy: this.#options.snapshotPolicy,
          maxDocumentBytes: this.#options.maxDocumentBytes,
          onMaybeIdle: (idleRoom) => this.#unloadIfIdle(idleRoom),
          onDocumentEvent: this.#options.onDocumentEvent,
        });
        this.#rooms.set(documentName, room);
        this.#options.logger.debug({ documentName, bytes: stored?.size ?? 0, replayedUpdates: stored?.updates.length ?? 0 }, 'document loaded');
        return room;
      })
      .finally(() => this.#loading.delete(documentName));
    this.#loading.set(documentName, loading);
    return loading;
  }

  #unloadIfIdle(room: Room): void {
    if (this.#closing || room.destroyed || room.peers.size > 0 || this.#unloading.has(room)) return;
    this.#unloading.add(room);
    room
      .flush()
      .then(
        () => {
          // Re-check after the await: a peer may have joined while we saved.
          if (this.#closing || room.destroyed || room.peers.size > 0 || room.hasUnsavedChanges) return;
          room.destroy();
          this.#rooms.delete(room.documentName);
          this.#options.logger.debug({ documentName: room.documentName }, 'document unloaded');
        },
        (error: unknown) => {
          // The save is retried by the room; it stays in memory and we try again once it settles.
          this.#options.logger.warn({ err: error, documentName: room.documentName }, 'keeping document in memory: its last save failed');
        },
      )
      .finally(() => this.#unloading.delete(room));
  }
}
