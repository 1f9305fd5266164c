import type { Logger } from 'pino';
import type * as Y from 'yjs';
import type { DocumentStore } from '../../storage/DocumentStore.js';
import type { RoomLink } from '../cluster/RedisBus.js';
import type { RoomStats, ServerMetrics } from '../metrics/createServerMetrics.js';
import { CloseCode } from './closeCodes.js';
import type { Peer } from './Peer.js';
import { Room, type CompactionLeaseOptions, type DocumentEvent, type SnapshotPolicy } from './Room.js';

export interface RoomRegistryOptions {
  store: DocumentStore;
  logger: Logger;
  snapshotPolicy: SnapshotPolicy;
  /** See `RoomOptions.maxDocumentBytes`. */
  maxDocumentBytes: number;
  /** Passed to every room; none when absent (unit tests). */
  metrics?: ServerMetrics;
  /** Told when a document is created, changed or deleted (see `RoomOptions.onDocumentEvent`). */
  onDocumentEvent?: (event: DocumentEvent) => void;
  /** Told just before a loaded document is freed (idle, or at close), while `get()` still returns it. Must not throw. */
  onUnloading?: (documentName: string) => void;
  /** Shares open documents with other server instances (`RedisBus`); none for a single instance. */
  cluster?: DocumentCluster;
  /** See `RoomOptions.compactionLease`. */
  compactionLease?: CompactionLeaseOptions;
}

/** What the registry needs from the bus that links server instances. */
export interface DocumentCluster {
  /** Subscribes to a document's changes on other instances; `onDeleted` when one of them deletes it. */
  join(documentName: string, onDeleted: () => void): Promise<RoomLink>;
  announceDeleted(documentName: string): void;
}

/** Thrown by `join` while the server shuts down; the peer should be closed with 1012 and retry. */
export class ShuttingDownError extends Error {
  constructor() {
    super('server is shutting down');
    this.name = 'ShuttingDownError';
  }
}

/**
 * Thrown by `change` when the change was applied (peers have it) but writing it failed: the room
 * keeps retrying the write, so it is saved once the store recovers. Its `cause` says why.
 */
export class UnsavedChangeError extends Error {
  constructor(documentName: string, cause: unknown) {
    super(`the change to "${documentName}" is live but not yet saved: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnsavedChangeError';
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
  /** Rooms that became idle again while an unloading of them was finishing: it looks once more when done. */
  readonly #unloadAgain = new Set<Room>();
  /** Rooms handed to a call that has not finished with them: an unloading must not free them meanwhile. */
  readonly #leases = new Map<Room, number>();
  /** Documents being deleted; joining or creating one waits until it is gone. */
  readonly #deleting = new Map<string, Promise<boolean>>();
  /** Documents whose deletion started while they were being loaded: that load may have read files being deleted. */
  readonly #deletedWhileLoading = new Set<string>();
  readonly #options: RoomRegistryOptions;
  #closing = false;

  constructor(options: RoomRegistryOptions) {
    this.#options = options;
  }

  /** Number of documents in memory. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Loaded documents and what of them is not yet durable, for metrics (computed on each call: a scrape is rare, edits are not). */
  stats(): RoomStats {
    let unsavedBytes = 0;
    let oldestUnsavedAt: number | null = null;
    for (const room of this.#rooms.values()) {
      unsavedBytes += room.unsavedBytes;
      const since = room.oldestUnsavedAt;
      if (since !== null && (oldestUnsavedAt === null || since < oldestUnsavedAt)) oldestUnsavedAt = since;
    }
    return { loadedDocuments: this.#rooms.size, unsavedBytes, oldestUnsavedAt };
  }

  /** Names of loaded documents with changes not yet in their log or snapshot (logged when a shutdown runs out of time). */
  unsavedDocuments(): string[] {
    return [...this.#rooms.values()].filter((room) => !room.destroyed && room.hasUnsavedChanges).map((room) => room.documentName);
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
    try {
      room.addPeer(peer);
      return room;
    } finally {
      // The peer now keeps the room loaded.
      this.#release(room);
    }
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
      this.#release(room);
    }
  }

  /**
   * Runs `read` on the live document, loading a stored one for the moment (it is unloaded
   * again once idle). Resolves `null`, creating nothing, when there is no such document.
   */
  async read<T>(documentName: string, read: (room: Room) => T): Promise<T | null> {
    const room = await this.#openExisting(documentName);
    if (!room) return null;
    try {
      return read(room);
    } finally {
      this.#release(room);
    }
  }

  /**
   * Applies `edit` to an existing document (see `Room.change`: one transaction every peer
   * receives) and resolves once the change is in the document's log. Resolves `null`,
   * creating nothing, when there is no such document or it is being deleted.
   */
  async change(documentName: string, edit: (doc: Y.Doc) => void): Promise<{ bytes: number } | null> {
    const room = await this.#openExisting(documentName);
    if (!room) return null;
    try {
      const result = room.change(edit);
      try {
        // A deletion that starts meanwhile writes this change before removing the files, so it cannot bring them back.
        await room.flushLog();
      } catch (error) {
        throw new UnsavedChangeError(documentName, error);
      }
      return result;
    } finally {
      this.#release(room);
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
    if (this.#loading.has(documentName)) this.#deletedWhileLoading.add(documentName);
    const deletion = this.#delete(documentName).finally(() => {
      this.#deleting.delete(documentName);
      // A room the deletion left (one that was never stored) was not unloaded meanwhile: try now.
      const left = this.#rooms.get(documentName);
      if (left) this.#unloadIfIdle(left);
    });
    this.#deleting.set(documentName, deletion);
    return deletion;
  }

  async #delete(documentName: string): Promise<boolean> {
    // A load in progress is not waited for (it waits for us): it reads again after the deletion (see #loadRoom).
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
    // After the store: an instance that hears of it and reloads finds the document gone.
    this.#options.cluster?.announceDeleted(documentName);
    if (deleted) {
      this.#options.logger.info({ documentName }, 'document deleted');
      this.#options.onDocumentEvent?.({ type: 'deleted', documentName });
    }
    return deleted;
  }

  /**
   * The live room of a document, loaded if needed, once no deletion of it is in progress. The room
   * is leased: it stays loaded until the caller passes it to `#release`, even with no peer in it.
   */
  async #open(documentName: string): Promise<Room> {
    for (;;) {
      await this.#deleting.get(documentName)?.catch(() => undefined);
      if (this.#closing) throw new ShuttingDownError();
      const room = this.#rooms.get(documentName) ?? (await this.#load(documentName));
      if (this.#closing) throw new ShuttingDownError();
      // The room may have been unloaded or deleted while we waited; then start again.
      if (room.destroyed || this.#deleting.has(documentName)) continue;
      // Taken in the same step as the check: an unloading that finishes before our caller resumes sees it.
      this.#leases.set(room, (this.#leases.get(room) ?? 0) + 1);
      return room;
    }
  }

  /** The leased live room of a document that exists, or `null` (a room loaded only to find that out is unloaded again). */
  async #openExisting(documentName: string): Promise<Room | null> {
    const room = await this.#open(documentName);
    if (room.exists) return room;
    this.#release(room);
    return null;
  }

  /** Ends a lease from `#open`; the room unloads once nothing holds it. */
  #release(room: Room): void {
    const leases = (this.#leases.get(room) ?? 1) - 1;
    if (leases > 0) this.#leases.set(room, leases);
    else this.#leases.delete(room);
    this.#unloadIfIdle(room);
  }

  /** Whether the room may be unloaded: nobody uses it, and no close or deletion (which free it themselves) is under way. */
  #isIdle(room: Room): boolean {
    return !this.#closing && !room.destroyed && room.peers.size === 0 && !this.#leases.has(room) && !this.#deleting.has(room.documentName);
  }

  /** Closes every peer with 1012 (clients reconnect), saves every room, and frees them. Rejects if some document could not be saved. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled(this.#loading.values());
    const failures: string[] = [];
    await Promise.all(
      [...this.#rooms.values()].map(async (room) => {
        room.closePeers(CloseCode.serviceRestart, 'server is restarting; reconnect');
        try {
          await room.flush();
        } catch (error) {
          failures.push(room.documentName);
          this.#options.logger.error({ err: error, documentName: room.documentName }, 'could not save document during shutdown');
        }
        this.#options.onUnloading?.(room.documentName);
        room.destroy();
        this.#rooms.delete(room.documentName);
      }),
    );
    if (failures.length > 0) throw new Error(`could not save ${failures.length} document(s) during shutdown: ${failures.join(', ')}`);
  }

  #load(documentName: string): Promise<Room> {
    const pending = this.#loading.get(documentName);
    if (pending) return pending;
    const loading = this.#loadRoom(documentName).finally(() => {
      this.#loading.delete(documentName);
      this.#deletedWhileLoading.delete(documentName);
    });
    this.#loading.set(documentName, loading);
    return loading;
  }

  /**
   * Reads the document and registers its room. A read that overlapped a deletion may have seen
   * the files just before they went, and a room built from it would write them back: it is read
   * again once the deletion is over. The check and the registration happen in one step, so a
   * deletion starts either before (and the read is repeated) or after (and finds the room).
   */
  async #loadRoom(documentName: string): Promise<Room> {
    // Subscribed before reading, so no change made elsewhere falls between the read and the live stream.
    const link = await this.#options.cluster?.join(documentName, () => this.#deletedElsewhere(documentName));
    try {
      return await this.#readRoom(documentName, link);
    } catch (error) {
      link?.close();
      throw error;
    }
  }

  async #readRoom(documentName: string, link: RoomLink | undefined): Promise<Room> {
    for (;;) {
      // Cleared before the wait: a deletion that starts during it must still be seen after the read.
      this.#deletedWhileLoading.delete(documentName);
      await this.#deleting.get(documentName)?.catch(() => undefined);
      // Read before the content: a deletion in between makes this room's writes refused, not resurrecting.
      const generation = await this.#options.store.deletions?.current(documentName);
      const stored = await this.#options.store.load(documentName);
      if (this.#deletedWhileLoading.has(documentName)) continue;
      const room = new Room({
        documentName,
        stored,
        store: this.#options.store,
        logger: this.#options.logger,
        snapshotPolicy: this.#options.snapshotPolicy,
        maxDocumentBytes: this.#options.maxDocumentBytes,
        metrics: this.#options.metrics,
        onMaybeIdle: (idleRoom) => this.#unloadIfIdle(idleRoom),
        onDocumentEvent: this.#options.onDocumentEvent,
        relay: link,
        ...(generation === undefined ? {} : { generation }),
        onDeletedElsewhere: (deleted) => this.#deletedElsewhere(deleted.documentName),
        ...(this.#options.compactionLease ? { compactionLease: this.#options.compactionLease } : {}),
      });
      this.#rooms.set(documentName, room);
      link?.attach(room);
      this.#options.logger.debug({ documentName, bytes: stored?.size ?? 0, replayedUpdates: stored?.updates.length ?? 0 }, 'document loaded');
      return room;
    }
  }

  /**
   * Another instance deleted the document: its peers here are closed with 4404 like that
   * instance's, and the room is dropped without saving (a write now would bring it back).
   */
  #deletedElsewhere(documentName: string): void {
    const room = this.#rooms.get(documentName);
    if (!room || room.destroyed) return;
    // Destroyed before its peers go: the last one leaving must not start an unload, which saves.
    this.#rooms.delete(documentName);
    room.destroy();
    room.closePeers(CloseCode.documentDeleted, 'this document was deleted');
    this.#options.logger.info({ documentName }, 'document deleted on another instance; closed its peers here');
  }

  #unloadIfIdle(room: Room): void {
    if (!this.#isIdle(room)) return;
    if (this.#unloading.has(room)) {
      this.#unloadAgain.add(room);
      return;
    }
    this.#unloading.add(room);
    room
      .flush()
      .then(
        () => {
          // Re-check after the await: a peer may have joined, or a call leased the room, while we saved.
          if (!this.#isIdle(room) || room.hasUnsavedChanges) return;
          this.#options.onUnloading?.(room.documentName);
          room.destroy();
          this.#rooms.delete(room.documentName);
          this.#options.logger.debug({ documentName: room.documentName }, 'document unloaded');
        },
        (error: unknown) => {
          // The save is retried by the room; it stays in memory and we try again once it settles.
          this.#options.logger.warn({ err: error, documentName: room.documentName }, 'keeping document in memory: its last save failed');
        },
      )
      .finally(() => {
        this.#unloading.delete(room);
        if (this.#unloadAgain.delete(room)) this.#unloadIfIdle(room);
      });
  }
}
