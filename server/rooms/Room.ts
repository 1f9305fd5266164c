import type { Logger } from 'pino';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import { StorageError, type DocumentStore, type StoredDocument } from '../../storage/DocumentStore.js';
import type { PeerIdentity } from '../access/AccessGrant.js';
import { decodeAwarenessEntries, encodeAwarenessEntries, type AwarenessEntry } from '../protocol/awarenessEntries.js';
import { decodeMessage } from '../protocol/decodeMessage.js';
import { encodeAwareness, encodeSavedState, encodeSyncStep1, encodeSyncStep2, encodeSyncUpdate } from '../protocol/encodeMessage.js';
import { ProtocolError } from '../protocol/ProtocolError.js';
import type { ClientMessage } from '../protocol/messageTypes.js';
import type { ServerMetrics } from '../metrics/createServerMetrics.js';
import { CloseCode, closeReason } from './closeCodes.js';
import type { Peer } from './Peer.js';
import { SaveScheduler } from './SaveScheduler.js';
import { UpdateJournal } from './UpdateJournal.js';
import { documentTitle } from './documentTitle.js';

/** How long the whole document, encoded for peers that join with nothing, is kept for more of them. */
const WHOLE_DOCUMENT_FRAME_KEEP_MS = 5000;

/** When a room writes a fresh snapshot of its document (the log keeps every update durable in between). */
export interface SnapshotPolicy {
  /** Write a snapshot this long after the last change. Default 5000 ms. */
  idleMs: number;
  /** …and at least this often while changes keep coming. Default 60 000 ms. */
  maxWaitMs: number;
  /** …or as soon as this many updates were logged since the last one. Default 1000. */
  afterUpdates: number;
  /** …or as soon as this many bytes were logged since the last one. Default 1 MiB. */
  afterBytes: number;
  /** First retry after a failed write (log or snapshot); doubles up to `retryMaxMs`. Defaults 1000 / 30 000 ms. */
  retryBaseMs: number;
  retryMaxMs: number;
}

export interface RoomOptions {
  documentName: string;
  /** What the store holds, or `null` for a new document. */
  stored: StoredDocument | null;
  store: DocumentStore;
  logger: Logger;
  snapshotPolicy: SnapshotPolicy;
  /** Changes that insert content are refused once the document would grow past this (deletions are always accepted). */
  maxDocumentBytes: number;
  /** Called when the last peer left or pending writes finished; the registry decides whether to unload. */
  onMaybeIdle: (room: Room) => void;
  /** Save latencies and errors are counted here; none when absent (unit tests). */
  metrics?: ServerMetrics;
  /** Told of every accepted change (webhooks): the first one of a document not stored yet is its `created`. Must not throw. */
  onDocumentEvent?: (event: DocumentEvent) => void;
  /** Where changes made here go so other server instances get them (see `server/cluster`); none for a single instance. */
  relay?: RoomRelay;
  /** On shared stores: the document's deletion generation when it was loaded (`DocumentStore.deletions`); writes carry it. */
  generation?: number;
  /** Another instance deleted the document (the store refused a write with `deleted`); the registry drops the room. */
  onDeletedElsewhere?: (room: Room) => void;
  /** Who this server instance is to stores with compaction leases (`DocumentStore.leases`), and how long it holds one. */
  compactionLease?: CompactionLeaseOptions;
}

/** Carries a room's own changes to the other server instances that have the document open. */
export interface RoomRelay {
  /** A Yjs update made by one of this room's peers, the HTTP API or the server. */
  publishUpdate(update: Uint8Array): void;
  /** A y-protocols awareness update about this room's peers. */
  publishAwareness(update: Uint8Array): void;
  /** The room is destroyed: stop listening for the other instances. */
  close(): void;
}

export interface CompactionLeaseOptions {
  /** Unique among the instances sharing the store. */
  holder: string;
  /** How long a lease lasts; every snapshot its holder writes renews it. */
  ttlMs: number;
}

const DEFAULT_COMPACTION_LEASE: CompactionLeaseOptions = { holder: 'tandem', ttlMs: 90_000 };

/** Something that happened to a document, for observers such as webhooks. Rooms report `created` and `changed`; the registry `deleted`. */
export interface DocumentEvent {
  type: 'created' | 'changed' | 'deleted';
  documentName: string;
}

type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };
type DeleteSet = ReturnType<typeof Y.createDeleteSet>;

/**
 * Awareness client ids one connection may introduce. A browser tab has one (a
 * page that re-creates its editor may briefly have a second). y-protocols
 * keeps a record of every id it ever sees, so new ids must be bounded.
 * Entries a client merely echoes (stock clients send every change they
 * receive back to the server) do not count.
 */
export const MAX_AWARENESS_CLIENTS_PER_PEER = 8;
/**
 * Awareness client ids one connection may introduce over its lifetime. Ids that left still
 * cost a record (y-protocols keeps their last clock), which is freed when the connection closes.
 */
export const MAX_AWARENESS_CLIENTS_PER_CONNECTION = 64;
/** Entries in one awareness update: a client joining a crowded room echoes everyone's state at once. */
export const MAX_AWARENESS_ENTRIES = 10_000;
/** Bytes in one awareness update: presence is a name, a colour and a selection per person. */
export const MAX_AWARENESS_UPDATE_BYTES = 1024 * 1024;

/**
 * One document being edited: its Y.Doc, the awareness (presence) of its
 * peers, and the saving of its state. Relays every change to the other peers
 * immediately; then appends it to the document's log (group commit), and
 * tells the peers that asked which state is now durable. Snapshots are
 * written on their own schedule. Neither kind of write delays the relay.
 */
/** The origin of changes the server itself makes (seeding): they go to every peer. */
const SERVER_ORIGIN = 'tandem-server';
/** The origin of changes made through the HTTP API (`Room.change`): they go to every peer. */
export const API_ORIGIN = 'tandem-api';
/** The origin of changes other server instances relayed: they go to every peer here, but not back to the other instances. */
const REMOTE_ORIGIN = 'tandem-remote';
/** The origin y-protocols gives presence it drops after 30 s of silence: each instance decides that for itself. */
const AWARENESS_TIMEOUT_ORIGIN = 'timeout';

export class Room {
  readonly documentName: string;
  readonly doc: Y.Doc;
  readonly awareness: awarenessProtocol.Awareness;
  readonly peers = new Set<Peer>();
  /** Which connection speaks for each awareness client id. */
  readonly #awarenessOwners = new Map<number, Peer>();
  readonly #store: DocumentStore;
  readonly #logger: Logger;
  readonly #journal: UpdateJournal;
  readonly #snapshots: SaveScheduler;
  readonly #policy: SnapshotPolicy;
  readonly #onMaybeIdle: (room: Room) => void;
  readonly #metrics: ServerMetrics | null;
  /** What is on disk, as an encoded Yjs snapshot (state vector and delete set): sent to peers that asked. */
  #savedState: Uint8Array;
  /**
   * Deletions do not move the state vector, so "saved" must cover them too. The delete set of
   * everything applied is kept incrementally: each transaction's deletions are collected and
   * merged once per batch, never by scanning the whole document.
   */
  #appliedDeleteSet: DeleteSet;
  #recentDeleteSets: DeleteSet[] = [];
  #updatesSinceSnapshot = 0;
  #bytesSinceSnapshot = 0;
  /**
   * An upper bound of the encoded document's size: exact after each snapshot, plus every update since
   * (merging only ever shrinks them). Cheap enough to check on every update, unlike encoding the document.
   */
  #estimatedBytes = 0;
  readonly #maxDocumentBytes: number;
  #destroyed = false;
  /** The whole document as a sync step 2 frame, kept until the next change (see `#syncStep2For`). */
  #wholeDocumentFrame: Uint8Array | null = null;
  #wholeDocumentFrameTimer: NodeJS.Timeout | undefined;
  /** The store had this document when the room loaded it. */
  readonly #wasStored: boolean;
  readonly #onDocumentEvent: ((event: DocumentEvent) => void) | undefined;
  /** Whether observers know the document exists (it was stored, or its first change was reported as `created`). */
  #reportedExisting: boolean;
  readonly #relay: RoomRelay | null;
  readonly #generation: number | undefined;
  readonly #onDeletedElsewhere: ((room: Room) => void) | undefined;
  /** Which other instance serves each awareness client id it relayed (see `applyRemoteAwareness`). */
  readonly #remoteAwarenessOwners = new Map<number, string>();
  readonly #compactionLease: CompactionLeaseOptions;

  constructor(options: RoomOptions) {
    this.documentName = options.documentName;
    this.#store = options.store;
    this.#logger = options.logger;
    this.#onMaybeIdle = options.onMaybeIdle;
    this.#policy = options.snapshotPolicy;
    this.#maxDocumentBytes = options.maxDocumentBytes;
    this.#metrics = options.metrics ?? null;
    this.doc = new Y.Doc({ gc: true });
    const stored = options.stored;
    this.#wasStored = stored !== null;
    this.#onDocumentEvent = options.onDocumentEvent;
    this.#reportedExisting = this.#wasStored;
    this.#relay = options.relay ?? null;
    this.#generation = options.generation;
    this.#onDeletedElsewhere = options.onDeletedElsewhere;
    this.#compactionLease = options.compactionLease ?? DEFAULT_COMPACTION_LEASE;
    if (stored) {
      const warn = (warning: string) => this.#logger.warn({ documentName: this.documentName }, warning);
      for (const warning of stored.warnings) warn(warning);
      // Snapshot plus every logged update; an update the snapshot already holds is a no-op.
      const updates = validUpdates(stored.updates, warn);
      Y.applyUpdate(this.doc, Y.mergeUpdates(stored.snapshot ? [stored.snapshot, ...updates] : updates));
      this.#updatesSinceSnapshot = stored.updates.length;
      this.#bytesSinceSnapshot = stored.updates.reduce((sum, update) => sum + update.byteLength, 0);
      this.#estimatedBytes = (stored.snapshot?.byteLength ?? 0) + this.#bytesSinceSnapshot;
    }
    this.#appliedDeleteSet = Y.createDeleteSetFromStructStore(this.doc.store);
    this.#savedState = this.#describeState();
    this.awareness = new awarenessProtocol.Awareness(this.doc);
    // The server is not a user: it must not appear in anybody's presence list.
    this.awareness.setLocalState(null);
    const { retryBaseMs, retryMaxMs } = this.#policy;
    this.#journal = new UpdateJournal({
      retryBaseMs,
      retryMaxMs,
      append: (updates) => this.#appendToLog(updates),
      describeState: () => this.#describeState(),
      onDurable: (state) => this.#handleDurable(state),
      onSettled: () => this.#onMaybeIdle(this),
      onError: (error, failures) => {
        this.#metrics?.error('storage_log');
        this.#logger.error({ err: error, documentName: this.documentName, failures }, 'appending to the document log failed; keeping the updates in memory and retrying');
      },
    });
    this.#snapshots = new SaveScheduler({
      debounceMs: this.#policy.idleMs,
      maxWaitMs: this.#policy.maxWaitMs,
      retryBaseMs,
      retryMaxMs,
      save: () => this.#writeSnapshot(),
      onError: (error, failures) => {
        this.#metrics?.error('storage_snapshot');
        this.#logger.error({ err: error, documentName: this.documentName, failures }, 'writing the document snapshot failed; the log still holds every update; retrying');
      },
      onSettled: () => this.#onMaybeIdle(this),
    });
    // Updates replayed from the log are not in the snapshot yet.
    if (stored && stored.updates.length > 0) this.#snapshots.markDirty();
    this.doc.on('update', this.#handleDocumentUpdate);
    this.awareness.on('update', this.#handleAwarenessUpdate);
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** True while an update is not yet in the log or the snapshot is behind the log. */
  get hasUnsavedChanges(): boolean {
    return this.#journal.hasPending || this.#snapshots.hasUnsavedChanges;
  }

  /** Bytes of accepted updates not yet durable in the log, and when the oldest of them was accepted (for metrics). */
  get unsavedBytes(): number {
    return this.#journal.unsavedBytes;
  }

  get oldestUnsavedAt(): number | null {
    return this.#journal.oldestUnsavedAt;
  }

  /** The document's title now: the text of its first heading, or `null`. */
  get title(): string | null {
    return documentTitle(this.doc);
  }

  /** True when the document has content or is stored (even if everything in it was deleted). */
  get exists(): boolean {
    return this.#wasStored || this.doc.store.clients.size > 0;
  }

  /**
   * Gives a document that does not exist yet its first content, as one
   * server-side change that reaches every connected peer. Returns `false`,
   * changing nothing, when the document already exists: content is seeded
   * once, never once per caller.
   */
  seed(update: Uint8Array): boolean {
    if (this.#destroyed) throw new Error(`room ${this.documentName} is destroyed`);
    if (this.exists) return false;
    if (update.byteLength > this.#maxDocumentBytes) throw new DocumentTooLargeError(this.documentName, this.#maxDocumentBytes);
    Y.applyUpdate(this.doc, update, SERVER_ORIGIN);
    return true;
  }

  /**
   * Applies a change the server makes for an API call as one transaction (origin `API_ORIGIN`)
   * that reaches every peer and is logged like theirs. `edit` runs first on a copy of the
   * document, so a change that would grow it past its size limit throws `DocumentTooLargeError`
   * and an `edit` that throws leaves it untouched. Returns the document's encoded size afterwards.
   * Await `flushLog()` for the change to be durable.
   */
  change(edit: (doc: Y.Doc) => void): { bytes: number } {
    if (this.#destroyed) throw new Error(`room ${this.documentName} is destroyed`);
    const copy = new Y.Doc({ gc: true });
    try {
      Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.doc));
      const updates: Uint8Array[] = [];
      copy.on('update', (update: Uint8Array) => updates.push(update));
      copy.transact(() => edit(copy), API_ORIGIN);
      // Exact, unlike the running estimate: an API call is rare enough to encode the document once more.
      const bytes = Y.encodeStateAsUpdate(copy).byteLength;
      const update = updates.length > 0 ? Y.mergeUpdates(updates) : null;
      if (update === null) return { bytes };
      if (bytes > this.#maxDocumentBytes && Y.decodeUpdate(update).structs.length > 0) throw new DocumentTooLargeError(this.documentName, this.#maxDocumentBytes);
      Y.applyUpdate(this.doc, update, API_ORIGIN);
      // The estimate grew by the update; the exact size is known, and a replace often shrinks the document.
      this.#estimatedBytes = bytes;
      return { bytes };
    } finally {
      copy.destroy();
    }
  }

  /** Resolves once every change applied so far is in the document's log (durable), without waiting for a snapshot. */
  flushLog(): Promise<void> {
    return this.#journal.flush();
  }

  /** Adds a peer and starts the sync handshake: our state vector, then everyone's presence. */
  addPeer(peer: Peer): void {
    if (this.#destroyed) throw new Error(`room ${this.documentName} is destroyed`);
    this.peers.add(peer);
    peer.socket.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    if (peer.wantsSavedState) peer.socket.send(encodeSavedState(this.#savedState));
    const presentClients = [...this.awareness.getStates().keys()];
    if (presentClients.length > 0) {
      peer.socket.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, presentClients)));
    }
  }

  /** Removes a peer and its presence (so no ghost caret remains with the others). */
  removePeer(peer: Peer): void {
    if (!this.peers.delete(peer)) return;
    if (peer.droppedUpdates > 1) {
      this.#logger.info({ documentName: this.documentName, conn: peer.id, droppedUpdates: peer.droppedUpdates }, 'read-only peer left; its document changes were dropped');
    }
    if (peer.awarenessClientIds.size > 0 && !this.#destroyed) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...peer.awarenessClientIds], null);
    }
    // y-protocols remembers every id's last clock forever; forget those this connection brought.
    for (const clientId of peer.introducedAwarenessIds) {
      if (!this.#awarenessOwners.has(clientId) && !this.awareness.states.has(clientId)) this.awareness.meta.delete(clientId);
    }
    if (this.peers.size === 0) this.#onMaybeIdle(this);
  }

  /**
   * Handles one frame from a peer. A frame that breaks the protocol, carries
   * an invalid Yjs update or abuses awareness closes that peer with 4400, and
   * a change past the size limit with 4413; every part of a frame is checked
   * before anything reaches the document or the other peers.
   */
  receive(peer: Peer, frame: Uint8Array): void {
    if (!this.peers.has(peer)) return;
    try {
      this.#apply(peer, decodeMessage(frame));
    } catch (error) {
      const tooLarge = error instanceof DocumentTooLargeError;
      const reason = error instanceof ProtocolError || tooLarge ? error.message : `invalid message: ${error instanceof Error ? error.message : String(error)}`;
      this.#metrics?.error(tooLarge ? 'document_too_large' : 'protocol');
      this.#logger.warn({ err: error, documentName: this.documentName, conn: peer.id }, tooLarge ? 'refused a change past the size limit; closing its peer' : 'closing peer that sent a bad message');
      this.removePeer(peer);
      peer.socket.close(tooLarge ? CloseCode.documentTooLarge : CloseCode.badRequest, closeReason(reason));
    }
  }

  /**
   * Makes every accepted update durable and writes a snapshot, so the next
   * load has no log to replay. Rejects if a write fails (nothing is dropped).
   */
  async flush(): Promise<void> {
    await this.#journal.flush();
    await this.#snapshots.flush();
  }

  /** Closes every peer with the given code and reason. */
  closePeers(code: number, reason: string): void {
    for (const peer of [...this.peers]) {
      this.removePeer(peer);
      peer.socket.close(code, closeReason(reason));
    }
  }

  /** Frees the document and timers. Call only when no peer is left and nothing is unsaved. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    clearTimeout(this.#wholeDocumentFrameTimer);
    this.#wholeDocumentFrame = null;
    this.#journal.close();
    this.#snapshots.close();
    this.#relay?.close();
    this.#store.leases?.release(this.documentName, this.#compactionLease.holder).catch((error: unknown) => {
      // It runs out by itself; until then no other instance compacts this document.
      this.#logger.warn({ err: error, documentName: this.documentName }, 'could not give up the compaction lease');
    });
    this.doc.off('update', this.#handleDocumentUpdate);
    this.awareness.off('update', this.#handleAwarenessUpdate);
    this.awareness.destroy();
    this.doc.destroy();
  }

  /**
   * Applies a change another server instance relayed: every peer here gets it, and it is logged
   * like a local one (so it is durable wherever it is acknowledged), but it is neither sent back to
   * the other instances nor checked against the size limit (its own instance did that). A change
   * that does not decode is logged and dropped: another instance's bug must not reach the peers.
   */
  applyRemoteUpdate(update: Uint8Array): void {
    if (this.#destroyed) return;
    this.#wholeDocumentFrame = null;
    try {
      // Decoded in full first, as for peers' updates: Yjs would apply the structs of a truncated one before failing.
      Y.decodeUpdate(update);
      Y.applyUpdate(this.doc, update, REMOTE_ORIGIN);
    } catch (error) {
      this.#metrics?.error('cluster');
      this.#logger.warn({ err: error, documentName: this.documentName }, 'dropped an invalid update relayed by another instance');
    }
  }

  /**
   * Applies presence the instance `from` relayed for its own peers. A client served here can be
   * neither removed nor changed from there, unless it shows up there with a newer state: then it
   * has moved (it reconnected through the load balancer), this room no longer speaks for it, and
   * its old connection's close here will not remove it. A client another instance serves may only
   * be removed by that instance.
   */
  applyRemoteAwareness(update: Uint8Array, from: string): void {
    if (this.#destroyed) return;
    let entries: AwarenessEntry[];
    try {
      entries = decodeAwarenessEntries(update, MAX_AWARENESS_ENTRIES);
    } catch (error) {
      this.#metrics?.error('cluster');
      this.#logger.warn({ err: error, documentName: this.documentName }, 'dropped invalid presence relayed by another instance');
      return;
    }
    const accepted = entries.filter((entry) => {
      if (entry.clientId === this.doc.clientID) return false;
      const localOwner = this.#awarenessOwners.get(entry.clientId);
      if (localOwner) {
        // The same or a newer state there: the client reconnected there (stock clients keep their clock).
        const known = this.awareness.meta.get(entry.clientId);
        if (entry.state === null || (known !== undefined && entry.clock < known.clock)) return false;
        localOwner.awarenessClientIds.delete(entry.clientId);
        this.#awarenessOwners.delete(entry.clientId);
        this.#remoteAwarenessOwners.set(entry.clientId, from);
        return this.#awarenessEntryChangesState(entry);
      }
      if (!this.#awarenessEntryChangesState(entry)) return false;
      const remoteOwner = this.#remoteAwarenessOwners.get(entry.clientId);
      return !(entry.state === null && remoteOwner !== undefined && remoteOwner !== from);
    });
    for (const { clientId, state } of accepted) {
      if (state === null) this.#remoteAwarenessOwners.delete(clientId);
      else this.#remoteAwarenessOwners.set(clientId, from);
    }
    if (accepted.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), REMOTE_ORIGIN);
  }

  /** The document's state vector, for another instance to say what this one lacks. */
  encodeStateVector(): Uint8Array {
    return Y.encodeStateVector(this.doc);
  }

  /** What the document has beyond `stateVector` (its whole delete set included), for another instance. */
  encodeMissing(stateVector: Uint8Array): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc, stateVector);
  }

  /** The presence of this room's own peers (not of those relayed from elsewhere), for an instance that just joined. */
  encodeLocalAwareness(): Uint8Array {
    return awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.#awarenessOwners.keys()].filter((clientId) => this.awareness.states.has(clientId)));
  }

  /**
   * The answer to a peer's sync step 1. A peer that has nothing yet (an empty state vector: a new
   * tab, or a join storm after a restart) gets the whole document, encoded once for all such peers
   * until the document changes: encoding a large document is the costly part of a join.
   */
  #syncStep2For(stateVector: Uint8Array): Uint8Array {
    const hasNothing = stateVector.byteLength === 1 && stateVector[0] === 0;
    if (!hasNothing) return encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector));
    if (this.#wholeDocumentFrame === null) {
      this.#wholeDocumentFrame = encodeSyncStep2(Y.encodeStateAsUpdate(this.doc));
      // Kept for a join storm, not for the document's lifetime: a large document would be held twice.
      clearTimeout(this.#wholeDocumentFrameTimer);
      this.#wholeDocumentFrameTimer = setTimeout(() => (this.#wholeDocumentFrame = null), WHOLE_DOCUMENT_FRAME_KEEP_MS).unref();
    }
    return this.#wholeDocumentFrame;
  }

  #apply(peer: Peer, message: ClientMessage): void {
    switch (message.type) {
      case 'sync-step1':
        peer.socket.send(this.#syncStep2For(message.stateVector));
        return;
      case 'sync-step2':
      case 'sync-update': {
        if (peer.readOnly) {
          this.#dropReadOnlyUpdate(peer, message.update);
          return;
        }
        // Yjs integrates an update's structs before it reads its delete set, so a
        // truncated update would be half applied: decode all of it first.
        const decoded = decodeUpdate(message.update);
        // Updates that depend on something the server lacks wait in the store without an update event;
        // they count too, or a client could send the rest first and the missing piece last.
        const waiting = waitingBytes(this.doc);
        const afterwards = this.#estimatedBytes + waiting + message.update.byteLength;
        if ((decoded.structs.length > 0 && afterwards > this.#maxDocumentBytes) || waiting + message.update.byteLength > this.#maxDocumentBytes) {
          throw new DocumentTooLargeError(this.documentName, this.#maxDocumentBytes);
        }
        // Also when the update only waits for a missing piece (no update event): the whole document includes it.
        this.#wholeDocumentFrame = null;
        // `peer` as origin: the update is relayed to everyone but its sender.
        Y.applyUpdate(this.doc, message.update, peer);
        return;
      }
      case 'awareness': {
        const accepted = this.#acceptAwareness(peer, message.update);
        if (accepted.length > 0) awarenessProtocol.applyAwarenessUpdate(this.awareness, encodeAwarenessEntries(accepted), peer);
        return;
      }
      case 'query-awareness':
        peer.socket.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])));
        return;
      case 'auth':
        throw new ProtocolError('clients may not send auth messages');
    }
  }

  /** A read-only peer's document change: dropped, logged once per connection and counted after that. */
  #dropReadOnlyUpdate(peer: Peer, update: Uint8Array): void {
    // A stock client answers the server's sync step 1 with its own state; an empty one is no attempt to write.
    if (update.byteLength <= EMPTY_UPDATE_BYTES) return;
    peer.droppedUpdates += 1;
    if (peer.droppedUpdates === 1) {
      this.#logger.warn({ documentName: this.documentName, conn: peer.id, bytes: update.byteLength }, 'dropped a document change from a read-only peer');
    }
  }

  /**
   * The entries of an awareness update this peer may apply: those that change
   * something (echoes of states the server already has are dropped), that do
   * not remove someone else's presence, and that do not take over another
   * person's presence. The peer's identity, when its token carries one,
   * replaces whatever `user` its client claims. Throws `ProtocolError`
   * (closing the peer) for a malformed update, a claim on the server's own
   * id, or a connection introducing too many ids.
   */
  #acceptAwareness(peer: Peer, update: Uint8Array): AwarenessEntry[] {
    if (update.byteLength > MAX_AWARENESS_UPDATE_BYTES) {
      throw new ProtocolError(`awareness update of ${update.byteLength} bytes; at most ${MAX_AWARENESS_UPDATE_BYTES}`);
    }
    const accepted: AwarenessEntry[] = [];
    const introduced = new Set<number>();
    /**
     * An id another instance served that this peer re-announced unchanged: it reconnected here (stock
     * clients keep the clock). Only a connection's first announcement of a single state counts: stock
     * clients also echo everyone else's presence back, unchanged, and an echo claims nothing.
     */
    const claimed = new Set<number>();
    const entries = decodeAwarenessEntries(update, MAX_AWARENESS_ENTRIES);
    const mayClaim = entries.length === 1 && peer.introducedAwarenessIds.size === 0;
    for (const entry of entries) {
      if (entry.clientId === this.doc.clientID) throw new ProtocolError('awareness update claims the server’s client id');
      if (this.#remoteAwarenessOwners.has(entry.clientId)) {
        // Someone another instance serves: only that person, reconnected here, may speak for the id now.
        if (entry.state === null || !this.#mayTakeOverRemotePresence(peer, entry.clientId)) continue;
        if (!this.#awarenessEntryChangesState(entry)) {
          if (mayClaim) claimed.add(entry.clientId);
          continue;
        }
      } else if (!this.#awarenessEntryChangesState(entry)) {
        continue;
      }
      const owner = this.#awarenessOwners.get(entry.clientId);
      // Only a client itself may say it left, and only the same person may move an id to a new connection.
      if (owner && owner !== peer && (entry.state === null || !peer.isSamePersonAs(owner))) continue;
      if (owner !== peer && !peer.awarenessClientIds.has(entry.clientId)) introduced.add(entry.clientId);
      accepted.push(peer.identity && entry.state !== null ? { ...entry, state: stampIdentity(entry.state, peer.identity) } : entry);
    }
    for (const clientId of claimed) introduced.add(clientId);
    if (peer.awarenessClientIds.size + introduced.size > MAX_AWARENESS_CLIENTS_PER_PEER) {
      throw new ProtocolError(`connection announces ${peer.awarenessClientIds.size + introduced.size} awareness clients; at most ${MAX_AWARENESS_CLIENTS_PER_PEER}`);
    }
    const lifetime = new Set([...peer.introducedAwarenessIds, ...introduced]).size;
    if (lifetime > MAX_AWARENESS_CLIENTS_PER_CONNECTION) {
      throw new ProtocolError(`connection introduced ${lifetime} awareness clients; at most ${MAX_AWARENESS_CLIENTS_PER_CONNECTION}`);
    }
    for (const clientId of introduced) peer.introducedAwarenessIds.add(clientId);
    for (const clientId of introduced) {
      const previous = this.#awarenessOwners.get(clientId);
      if (previous) {
        // A newer state from another connection: a client that reconnected before the server
        // saw its old connection close. The newest connection now speaks for the id, and the
        // old one's eventual close must not remove the state.
        previous.awarenessClientIds.delete(clientId);
        this.#logger.info({ documentName: this.documentName, clientId, conn: peer.id, previousConn: previous.id }, 'awareness client moved to a newer connection');
      }
    }
    for (const clientId of claimed) {
      // No state changes, so no update event sets the owner or tells the other instances: the claim does both.
      this.#remoteAwarenessOwners.delete(clientId);
      peer.awarenessClientIds.add(clientId);
      this.#awarenessOwners.set(clientId, peer);
    }
    if (claimed.size > 0) this.#relay?.publishAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...claimed]));
    return accepted;
  }

  /** Whether `peer` is the person whose presence another instance relayed under `clientId` (on open servers, anyone is). */
  #mayTakeOverRemotePresence(peer: Peer, clientId: number): boolean {
    if (peer.identity === null) return true;
    const state = this.awareness.states.get(clientId) as { user?: { name?: unknown; color?: unknown } } | undefined;
    return state?.user?.name === peer.identity.name && state.user.color === peer.identity.color;
  }

  /** Mirrors y-protocols' rule for when an entry replaces the known state of its client. */
  #awarenessEntryChangesState({ clientId, clock, state }: AwarenessEntry): boolean {
    const known = this.awareness.meta.get(clientId);
    if (known === undefined) return true;
    return known.clock < clock || (known.clock === clock && state === null && this.awareness.states.has(clientId));
  }

  readonly #handleDocumentUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
    this.#wholeDocumentFrame = null;
    // Logged before anything else can fail: whatever is in the document is on its way to disk.
    // Relayed changes too: the instance that made one may die before its own write lands.
    this.#journal.push(update);
    const remote = origin === REMOTE_ORIGIN;
    if (!remote) this.#relay?.publishUpdate(update);
    if (transaction.deleteSet.clients.size > 0) this.#recentDeleteSets.push(transaction.deleteSet);
    const frame = encodeSyncUpdate(update);
    for (const peer of this.peers) {
      if (peer !== origin) peer.socket.send(frame);
    }
    this.#updatesSinceSnapshot += 1;
    this.#bytesSinceSnapshot += update.byteLength;
    this.#estimatedBytes += update.byteLength;
    this.#snapshots.markDirty();
    if (this.#updatesSinceSnapshot >= this.#policy.afterUpdates || this.#bytesSinceSnapshot >= this.#policy.afterBytes) {
      // A failure is reported through onError and retried by the scheduler.
      this.#snapshots.flush().catch(() => undefined);
    }
    // The instance a change was made on reports it; the others would repeat the event.
    if (!remote) this.#onDocumentEvent?.({ type: this.#reportedExisting ? 'changed' : 'created', documentName: this.documentName });
    this.#reportedExisting = true;
  };

  #timeSave(kind: 'log' | 'snapshot', write: () => Promise<void>): Promise<void> {
    return this.#metrics ? this.#metrics.timeSave(kind, write) : write();
  }

  /** The document's state now (state vector and delete set), encoded as a Yjs snapshot. */
  #describeState(): Uint8Array {
    if (this.#recentDeleteSets.length > 0) {
      this.#appliedDeleteSet = Y.mergeDeleteSets([this.#appliedDeleteSet, ...this.#recentDeleteSets]);
      this.#recentDeleteSets = [];
    }
    return Y.encodeSnapshot(Y.createSnapshot(this.#appliedDeleteSet, Y.decodeStateVector(Y.encodeStateVector(this.doc))));
  }

  #handleDurable(state: Uint8Array): void {
    this.#savedState = state;
    let frame: Uint8Array | null = null;
    for (const peer of this.peers) {
      if (!peer.wantsSavedState) continue;
      frame ??= encodeSavedState(state);
      peer.socket.send(frame);
    }
  }

  readonly #handleAwarenessUpdate = ({ added, updated, removed }: AwarenessChange, origin: unknown): void => {
    const changed = [...added, ...updated, ...removed];
    if (isPeer(origin, this.peers)) {
      for (const clientId of [...added, ...updated]) {
        origin.awarenessClientIds.add(clientId);
        this.#awarenessOwners.set(clientId, origin);
        this.#remoteAwarenessOwners.delete(clientId);
      }
    }
    for (const clientId of removed) {
      this.#remoteAwarenessOwners.delete(clientId);
      this.#awarenessOwners.get(clientId)?.awarenessClientIds.delete(clientId);
      this.#awarenessOwners.delete(clientId);
    }
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
    if (origin !== REMOTE_ORIGIN && origin !== AWARENESS_TIMEOUT_ORIGIN) this.#relay?.publishAwareness(update);
    // Sent to the origin too, like the reference server: it is what keeps a
    // lone client's connection from looking dead (the client closes after 30 s of silence).
    const frame = encodeAwareness(update);
    for (const peer of this.peers) peer.socket.send(frame);
  };

  async #writeSnapshot(): Promise<void> {
    if (this.#destroyed) return;
    const fencingToken = await this.#takeCompactionLease();
    if (fencingToken === null) {
      // Another instance compacts this document; the log holds every change meanwhile. The size
      // estimate is made exact here, as a snapshot would: it only grows between snapshots.
      this.#updatesSinceSnapshot = 0;
      this.#bytesSinceSnapshot = 0;
      this.#estimatedBytes = Y.encodeStateAsUpdate(this.doc).byteLength;
      return;
    }
    const state = Y.encodeStateAsUpdate(this.doc);
    this.#estimatedBytes = state.byteLength;
    const updates = this.#updatesSinceSnapshot;
    this.#updatesSinceSnapshot = 0;
    this.#bytesSinceSnapshot = 0;
    const startedAt = performance.now();
    try {
      const title = documentTitle(this.doc);
      const metadata = {
        ...(title === null ? {} : { title }),
        ...(fencingToken === undefined ? {} : { fencingToken }),
        ...(this.#generation === undefined ? {} : { generation: this.#generation }),
      };
      await this.#timeSave('snapshot', () => this.#store.writeSnapshot(this.documentName, state, metadata));
    } catch (error) {
      if (error instanceof StorageError && error.code === 'deleted') {
        this.#deletedElsewhere(error);
        return;
      }
      if (error instanceof StorageError && error.code === 'fenced') {
        // This instance was paused past its lease and another took over: its snapshot is refused, which is the point.
        this.#logger.info({ documentName: this.documentName }, 'another instance took over compacting this document; snapshot not written');
        return;
      }
      this.#updatesSinceSnapshot += updates;
      throw error;
    }
    this.#logger.debug(
      { documentName: this.documentName, bytes: state.byteLength, coveredUpdates: updates, ms: Math.round(performance.now() - startedAt) },
      'snapshot written',
    );
  }

  /** Appends a batch to the log, unless another instance deleted the document meanwhile (then the batch is dropped with it). */
  async #appendToLog(updates: Uint8Array[]): Promise<void> {
    try {
      await this.#timeSave('log', () => this.#store.appendUpdates(this.documentName, updates, this.#generation === undefined ? {} : { generation: this.#generation }));
    } catch (error) {
      if (!(error instanceof StorageError && error.code === 'deleted')) throw error;
      this.#deletedElsewhere(error);
    }
  }

  #deletedElsewhere(error: StorageError): void {
    if (this.#destroyed) return;
    this.#logger.info({ documentName: this.documentName, reason: error.message }, 'the document was deleted on another instance; dropping it here');
    this.#onDeletedElsewhere?.(this);
  }

  /**
   * On a store several instances share: the fencing token of this instance's compaction lease,
   * taken or renewed, or `null` while another instance holds it. `undefined` on other stores.
   */
  async #takeCompactionLease(): Promise<number | null | undefined> {
    const leases = this.#store.leases;
    if (!leases) return undefined;
    return leases.acquire(this.documentName, this.#compactionLease.holder, this.#compactionLease.ttlMs);
  }
}

/** Log records that decode as Yjs updates; one that does not (it passed its checksum, so this is a bug or tampering) is skipped loudly. */
function validUpdates(updates: Uint8Array[], warn: (warning: string) => void): Uint8Array[] {
  return updates.filter((update, index) => {
    try {
      Y.decodeUpdate(update);
      return true;
    } catch (error) {
      warn(`skipped log record ${index + 1} of ${updates.length}: not a Yjs update (${error instanceof Error ? error.message : String(error)})`);
      return false;
    }
  });
}

/** Bytes of updates the document holds back until what they depend on arrives. */
function waitingBytes(doc: Y.Doc): number {
  return (doc.store.pendingStructs?.update.byteLength ?? 0) + (doc.store.pendingDs?.byteLength ?? 0);
}

/** `Y.encodeStateAsUpdate` of nothing: no structs, no deletions. */
const EMPTY_UPDATE_BYTES = 2;

/** A change refused because the document would outgrow its limit (close 4413); the document is unchanged. */
export class DocumentTooLargeError extends Error {
  constructor(documentName: string, limit: number) {
    super(`document "${documentName}" has reached its size limit of ${formatBytes(limit)}; this change was not saved`);
    this.name = 'DocumentTooLargeError';
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function decodeUpdate(update: Uint8Array): ReturnType<typeof Y.decodeUpdate> {
  try {
    return Y.decodeUpdate(update);
  } catch (error) {
    throw new ProtocolError('invalid Yjs update', { cause: error });
  }
}

/** A presence state with `user` replaced by the identity from the peer's token (other fields, like the cursor, kept). */
function stampIdentity(state: unknown, identity: PeerIdentity): Record<string, unknown> {
  const fields = typeof state === 'object' && state !== null && !Array.isArray(state) ? (state as Record<string, unknown>) : {};
  const claimed = typeof fields.user === 'object' && fields.user !== null ? (fields.user as Record<string, unknown>) : {};
  return { ...fields, user: { ...claimed, name: identity.name, color: identity.color } };
}

function isPeer(origin: unknown, peers: Set<Peer>): origin is Peer {
  return peers.has(origin as Peer);
}
