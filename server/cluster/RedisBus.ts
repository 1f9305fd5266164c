import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RoomRelay } from '../rooms/Room.js';
import { decodeClusterFrame, encodeClusterFrame, type ClusterFrame } from './clusterFrames.js';

/** What a link needs from a room: the methods of `Room` that serve other instances. */
export interface ClusterRoom {
  applyRemoteUpdate(update: Uint8Array): void;
  applyRemoteAwareness(update: Uint8Array, from: string): void;
  encodeStateVector(): Uint8Array;
  encodeMissing(stateVector: Uint8Array): Uint8Array;
  encodeLocalAwareness(): Uint8Array;
}

/** One room's membership of its document's channel: the room's relay, and the way remote frames reach it. */
export interface RoomLink extends RoomRelay {
  /** Hands the link its room and asks the other instances for what it lacks. Frames that arrive before are dropped: the answer covers them. */
  attach(room: ClusterRoom): void;
}

export interface ClusterStats {
  connected: boolean;
  framesPublished: number;
  framesReceived: number;
  bytesPublished: number;
  bytesReceived: number;
  /** Frames not sent because Redis was unreachable (what they carried is resent by the resync that follows). */
  framesDropped: number;
  /** Times the connection came back and every open document was resynchronised. */
  resyncs: number;
  /** Frames from Redis that did not decode (dropped). */
  malformedFrames: number;
}

export interface RedisBusOptions {
  url: string;
  /** Names this server instance in frames, logs and compaction leases; unique among the instances. */
  instanceId: string;
  logger: Logger;
}

/** An empty Yjs update (no structs, no deletions): nothing worth sending. */
const EMPTY_UPDATE_BYTES = 2;
/** An awareness update listing no client. */
const EMPTY_AWARENESS_BYTES = 1;
/** How long the first connection may take at start-up before the server starts without Redis (it keeps trying). */
const FIRST_CONNECT_WAIT_MS = 5000;
/**
 * Each connection is pinged this often, and one that has not answered within the same time is
 * dropped and reconnected: a Redis that stopped answering (a frozen host, a silent network
 * partition) would otherwise look connected for the many minutes TCP takes to notice.
 */
const HEALTH_CHECK_MS = 2000;

/**
 * Shares live documents between server instances over Redis pub/sub: one channel per open
 * document, on which each instance publishes its own peers' changes and presence.
 *
 * Pub/sub keeps nothing, so whatever passes while an instance is not subscribed is recovered
 * with a `hello`: sent when a document is opened (after subscribing, so nothing falls between
 * the store's state and the live stream) and for every open document when Redis comes back.
 * While Redis is unreachable each instance goes on relaying among its own peers and saving to
 * the shared store, so nothing typed is lost; the resync merges what each side did meanwhile.
 */
export class RedisBus {
  readonly instanceId: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #logger: Logger;
  /** Links by channel. Usually one; a room being unloaded and its successor can overlap. */
  readonly #channels = new Map<string, Set<Link>>();
  #connected = false;
  #everConnected = false;
  #closed = false;
  readonly #stats: Omit<ClusterStats, 'connected'> = { framesPublished: 0, framesReceived: 0, bytesPublished: 0, bytesReceived: 0, framesDropped: 0, resyncs: 0, malformedFrames: 0 };
  readonly #healthCheck: NodeJS.Timeout;

  private constructor(options: RedisBusOptions) {
    this.instanceId = options.instanceId;
    this.#logger = options.logger.child({ component: 'redis' });
    const connectionOptions = {
      // Fail at once while disconnected instead of queueing without bound: a resync follows the reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      // Subscriptions are restored by `#handleReady`, which also resyncs what passed meanwhile.
      autoResubscribe: false,
      retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
      // Frames published in one event-loop turn leave in one write.
      enableAutoPipelining: true,
    };
    this.#publisher = new Redis(options.url, { ...connectionOptions, connectionName: `tandem-pub-${this.instanceId}` });
    this.#subscriber = new Redis(options.url, { ...connectionOptions, connectionName: `tandem-sub-${this.instanceId}` });
    for (const connection of [this.#publisher, this.#subscriber]) {
      connection.on('ready', () => void this.#handleReady());
      connection.on('close', () => this.#handleDown());
      // Reported once per outage by #handleDown; ioredis repeats it on every reconnection attempt.
      connection.on('error', (error: Error) => this.#logger.debug({ err: error }, 'Redis connection error'));
    }
    this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#receive(channel.toString(), message));
    this.#healthCheck = setInterval(() => {
      for (const connection of [this.#publisher, this.#subscriber]) void this.#checkHealth(connection);
    }, HEALTH_CHECK_MS).unref();
  }

  async #checkHealth(connection: Redis): Promise<void> {
    if (connection.status !== 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      connection.ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), HEALTH_CHECK_MS))),
    ]);
    clearTimeout(timer);
    if (!answered && connection.status === 'ready' && !this.#closed) {
      this.#logger.warn(`Redis did not answer a ping within ${HEALTH_CHECK_MS} ms; reconnecting`);
      // Reconnects (the retry strategy applies); the 'close' it causes marks the bus as down.
      connection.disconnect(true);
    }
  }

  /**
   * Connects to Redis and resolves once connected, or after a few seconds without it: the
   * server then starts as a single instance and joins the others when Redis answers.
   */
  static async open(options: RedisBusOptions): Promise<RedisBus> {
    const bus = new RedisBus(options);
    const connected = await Promise.race([
      new Promise<boolean>((resolve) => {
        const check = () => {
          if (bus.connected) resolve(true);
        };
        bus.#publisher.on('ready', check);
        bus.#subscriber.on('ready', check);
      }),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), FIRST_CONNECT_WAIT_MS).unref()),
    ]);
    if (!connected) bus.#logger.warn({ redis: describeRedisUrl(options.url) }, 'Redis is unreachable: starting as a single instance; documents are shared with other instances once it answers');
    else bus.#logger.info({ redis: describeRedisUrl(options.url), instanceId: bus.instanceId }, 'connected to Redis: sharing documents with other instances');
    return bus;
  }

  /** Both connections are up: changes reach the other instances. */
  get connected(): boolean {
    return this.#connected;
  }

  stats(): ClusterStats {
    return { connected: this.#connected, ...this.#stats };
  }

  /**
   * Subscribes to a document's channel. Resolves once subscribed (at once while Redis is
   * unreachable: the subscription is made when it answers). `onDeleted` is called when another
   * instance deleted the document.
   */
  async join(documentName: string, onDeleted: () => void): Promise<RoomLink> {
    const channel = channelFor(documentName);
    const link = new Link(this, channel, onDeleted);
    let links = this.#channels.get(channel);
    if (!links) {
      links = new Set();
      this.#channels.set(channel, links);
    }
    links.add(link);
    if (links.size === 1 && this.#connected) {
      await this.#subscriber.subscribe(channel).catch((error: unknown) => this.#subscriptionFailed(error));
    }
    return link;
  }

  /** Tells the other instances a document was deleted, so they close its peers. */
  announceDeleted(documentName: string): void {
    this.publish(channelFor(documentName), { kind: 'deleted', from: this.instanceId });
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#healthCheck);
    this.#channels.clear();
    await Promise.allSettled([this.#publisher.quit(), this.#subscriber.quit()]);
    this.#publisher.disconnect();
    this.#subscriber.disconnect();
  }

  /** @internal Publishes a frame on a channel; dropped (and counted) while Redis is unreachable. */
  publish(channel: string, frame: ClusterFrame): void {
    if (!this.#connected) {
      this.#stats.framesDropped += 1;
      return;
    }
    const bytes = encodeClusterFrame(frame);
    this.#stats.framesPublished += 1;
    this.#stats.bytesPublished += bytes.byteLength;
    this.#publisher.publish(channel, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).catch((error: unknown) => {
      this.#stats.framesDropped += 1;
      // The message only: ioredis attaches the command's arguments, which are document content.
      this.#logger.warn({ reason: error instanceof Error ? error.message : String(error), kind: frame.kind }, 'could not publish to Redis; the next resync carries it');
    });
  }

  /** @internal A link's room was destroyed. */
  leave(link: Link): void {
    const links = this.#channels.get(link.channel);
    if (!links?.delete(link) || links.size > 0) return;
    this.#channels.delete(link.channel);
    // While the subscriber is down the channel is gone with it, and `#handleReady` subscribes only to channels still wanted.
    if (this.#subscriber.status === 'ready') {
      this.#subscriber.unsubscribe(link.channel).catch((error: unknown) => this.#logger.debug({ reason: error instanceof Error ? error.message : String(error) }, 'could not unsubscribe'));
    }
  }

  /**
   * A subscription Redis refused while connected (an ACL, say) would leave a document unshared with
   * nothing to retry it: the subscriber is reconnected, and the resync after it subscribes again.
   */
  #subscriptionFailed(error: unknown): void {
    this.#logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'could not subscribe to a document channel; reconnecting to Redis to subscribe again');
    if (this.#subscriber.status === 'ready' && !this.#closed) this.#subscriber.disconnect(true);
  }

  async #handleReady(): Promise<void> {
    if (this.#closed || this.#connected || this.#publisher.status !== 'ready' || this.#subscriber.status !== 'ready') return;
    const channels = [...this.#channels.keys()];
    if (channels.length > 0) {
      try {
        await this.#subscriber.subscribe(...channels);
      } catch (error) {
        this.#subscriptionFailed(error);
        return;
      }
    }
    // Only now: what is published from here on reaches every document's room.
    this.#connected = true;
    const firstConnection = !this.#everConnected;
    this.#everConnected = true;
    if (firstConnection && channels.length === 0) return;
    this.#stats.resyncs += 1;
    this.#logger.info({ documents: channels.length }, `Redis answers again: resynchronising ${channels.length} open document(s) with the other instances`);
    for (const channel of channels) {
      for (const link of this.#channels.get(channel) ?? []) link.sayHello();
    }
  }

  #handleDown(): void {
    if (!this.#connected || this.#closed) return;
    this.#connected = false;
    this.#logger.error('lost the connection to Redis: relaying among this instance’s own peers only (every change is still saved); retrying');
  }

  /** Never throws: ioredis re-throws a listener's exception outside any handler, which would end the process. */
  #receive(channel: string, message: Buffer): void {
    const links = this.#channels.get(channel);
    if (!links) return;
    try {
      const frame = decodeClusterFrame(new Uint8Array(message.buffer, message.byteOffset, message.byteLength));
      if (frame === null || frame.from === this.instanceId) return;
      this.#stats.framesReceived += 1;
      this.#stats.bytesReceived += message.byteLength;
      for (const link of links) link.receive(frame);
    } catch (error) {
      this.#stats.malformedFrames += 1;
      this.#logger.warn({ reason: error instanceof Error ? error.message : String(error), channel }, 'dropped a frame from Redis that does not decode');
    }
  }
}

/** One room on one channel. */
class Link implements RoomLink {
  readonly channel: string;
  readonly #bus: RedisBus;
  readonly #onDeleted: () => void;
  #room: ClusterRoom | null = null;
  #closed = false;
  /** A deletion heard before the room was attached: the room was loaded from a document that is gone. */
  #deletedBeforeAttach = false;

  constructor(bus: RedisBus, channel: string, onDeleted: () => void) {
    this.#bus = bus;
    this.channel = channel;
    this.#onDeleted = onDeleted;
  }

  attach(room: ClusterRoom): void {
    this.#room = room;
    if (this.#deletedBeforeAttach) {
      this.#onDeleted();
      return;
    }
    this.sayHello();
  }

  sayHello(): void {
    if (!this.#room || this.#closed) return;
    this.#bus.publish(this.channel, { kind: 'hello', from: this.#bus.instanceId, stateVector: this.#room.encodeStateVector() });
  }

  publishUpdate(update: Uint8Array): void {
    if (!this.#closed) this.#bus.publish(this.channel, { kind: 'update', from: this.#bus.instanceId, update });
  }

  publishAwareness(update: Uint8Array): void {
    if (!this.#closed) this.#bus.publish(this.channel, { kind: 'awareness', from: this.#bus.instanceId, update });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bus.leave(this);
  }

  receive(frame: ClusterFrame): void {
    if (this.#closed) return;
    const room = this.#room;
    if (!room) {
      if (frame.kind === 'deleted') this.#deletedBeforeAttach = true;
      return;
    }
    const self = this.#bus.instanceId;
    switch (frame.kind) {
      case 'update':
        room.applyRemoteUpdate(frame.update);
        return;
      case 'awareness':
        room.applyRemoteAwareness(frame.update, frame.from);
        return;
      case 'hello':
        this.#bus.publish(this.channel, {
          kind: 'welcome',
          from: self,
          to: frame.from,
          update: room.encodeMissing(frame.stateVector),
          stateVector: room.encodeStateVector(),
          awareness: room.encodeLocalAwareness(),
        });
        return;
      case 'welcome': {
        if (frame.to !== self) return;
        if (frame.update.byteLength > EMPTY_UPDATE_BYTES) room.applyRemoteUpdate(frame.update);
        if (frame.awareness.byteLength > EMPTY_AWARENESS_BYTES) room.applyRemoteAwareness(frame.awareness, frame.from);
        // What only this instance has (edits made while Redis was away) goes to everyone.
        const missing = room.encodeMissing(frame.stateVector);
        if (missing.byteLength > EMPTY_UPDATE_BYTES) this.publishUpdate(missing);
        return;
      }
      case 'deleted':
        this.#onDeleted();
        return;
    }
  }
}

function channelFor(documentName: string): string {
  return `tandem:doc:${documentName}`;
}

/** The Redis URL without its password, for logs. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'redis (unparseable URL)';
  }
}
