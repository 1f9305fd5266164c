import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { SAVED_STATE_MESSAGE_TYPE, SAVED_STATE_QUERY_PARAMETER } from '../../common/savedState.js';
import { deleteSetCovers } from '../../web/src/editor/deleteSetCovers.js';
import { isStateSaved } from '../../web/src/editor/isStateSaved.js';
import { waitFor } from './waitFor.js';

export interface YjsClientOptions {
  /** Connect at once (default true). */
  connect?: boolean;
  /** Ask for the saved-state messages (`?saved=1`). */
  wantsSavedState?: boolean;
  /** Access token, sent as `?token=`. */
  token?: string;
  /**
   * More server URLs (each like the first, `ws://host:port/ws`): after every lost connection the client
   * moves on to the next, round robin, as the web editor does with a list of servers.
   */
  alsoTry?: string[];
  /** The WebSocket class (default `ws`); a subclass can, say, trust a test certificate. */
  WebSocket?: new (address: string, protocols?: string | string[]) => WebSocket;
}

/**
 * A stock y-websocket client, exactly as an app would create one, running
 * in the test process with `ws` as its WebSocket.
 */
export class YjsClient {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly closeEvents: { code: number; reason: string }[] = [];
  /** The server's last word on what is durable (only with `wantsSavedState`). */
  savedSnapshot: Y.Snapshot | null = null;

  constructor(wsUrl: string, documentName: string, options: YjsClientOptions = {}) {
    this.provider = new WebsocketProvider(wsUrl, documentName, this.doc, {
      WebSocketPolyfill: (options.WebSocket ?? WebSocket) as unknown as typeof globalThis.WebSocket,
      disableBc: true,
      connect: options.connect ?? true,
      maxBackoffTime: 500,
      params: {
        ...(options.wantsSavedState ? { [SAVED_STATE_QUERY_PARAMETER]: '1' } : {}),
        ...(options.token ? { token: options.token } : {}),
      },
    });
    if (options.wantsSavedState) {
      this.provider.messageHandlers[SAVED_STATE_MESSAGE_TYPE] = (_encoder, decoder) => {
        this.savedSnapshot = Y.decodeSnapshot(decoding.readVarUint8Array(decoder));
        this.#savedListeners.forEach((listener) => listener());
      };
    }
    const urls = [wsUrl, ...(options.alsoTry ?? [])];
    this.provider.on('connection-close', (event) => {
      if (event) this.closeEvents.push({ code: event.code, reason: event.reason });
      // The provider reconnects to `serverUrl` after its backoff.
      if (urls.length > 1) this.provider.serverUrl = urls[(urls.indexOf(this.provider.serverUrl) + 1) % urls.length]!;
    });
  }

  readonly #savedListeners = new Set<() => void>();

  /** How far this client's own edits are durable on the server (its clock in the saved state vector). */
  get savedOwnClock(): number {
    return this.savedSnapshot?.sv.get(this.doc.clientID) ?? 0;
  }

  /** True when everything in this client's document is durable on the server. */
  isSaved(): boolean {
    if (!this.savedSnapshot) return false;
    const local = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    return isStateSaved(local, this.savedSnapshot.sv) && deleteSetCovers(this.savedSnapshot.ds, Y.createDeleteSetFromStructStore(this.doc.store));
  }

  /** Resolves once the server says everything in this client's document is durable. */
  saved(timeoutMs = 10_000): Promise<true> {
    return waitFor(() => this.isSaved(), {
      description: `the server to acknowledge "${this.provider.roomname}" as saved`,
      timeoutMs,
      subscribe: (onChange) => {
        this.#savedListeners.add(onChange);
        return () => this.#savedListeners.delete(onChange);
      },
    });
  }

  get text(): Y.Text {
    return this.doc.getText('content');
  }

  /** Resolves once the client has exchanged state with the server. */
  synced(timeoutMs = 10_000): Promise<true> {
    return waitFor(() => this.provider.synced, {
      description: `client of "${this.provider.roomname}" to sync`,
      timeoutMs,
      subscribe: (onChange) => {
        this.provider.on('sync', onChange);
        return () => this.provider.off('sync', onChange);
      },
    });
  }

  /** Resolves once the document text equals `expected`. */
  textEquals(expected: string, timeoutMs = 10_000): Promise<true> {
    return this.#waitForDoc(() => this.text.toString() === expected, `text to equal ${JSON.stringify(expected.slice(0, 60))}`, timeoutMs);
  }

  /** Resolves once `check` holds for this client's document. */
  docSatisfies(check: (client: YjsClient) => boolean, description: string, timeoutMs = 10_000): Promise<true> {
    return this.#waitForDoc(() => check(this), description, timeoutMs);
  }

  /** Names of the other users present, from awareness. */
  remoteUserNames(): string[] {
    const names: string[] = [];
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      if (clientId === this.doc.clientID) continue;
      const user = (state as { user?: { name?: unknown } }).user;
      if (typeof user?.name === 'string') names.push(user.name);
    }
    return names.sort();
  }

  /** Resolves once the other users present are exactly `expected`. */
  presenceEquals(expected: string[], timeoutMs = 10_000): Promise<true> {
    const wanted = [...expected].sort().join(',');
    return waitFor(() => this.remoteUserNames().join(',') === wanted, {
      description: `presence to be [${wanted}] (is [${this.remoteUserNames().join(',')}])`,
      timeoutMs,
      subscribe: (onChange) => {
        this.provider.awareness.on('change', onChange);
        return () => this.provider.awareness.off('change', onChange);
      },
    });
  }

  /** Resolves with the first close the server sent. */
  closedByServer(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    return waitFor(() => this.closeEvents[0], { description: 'the server to close the connection', timeoutMs });
  }

  destroy(): void {
    this.provider.destroy();
    this.doc.destroy();
  }

  #waitForDoc(check: () => boolean, description: string, timeoutMs: number): Promise<true> {
    return waitFor(() => check(), {
      description: `${description} (is ${JSON.stringify(this.text.toString().slice(0, 80))})`,
      timeoutMs,
      subscribe: (onChange) => {
        this.doc.on('update', onChange);
        return () => this.doc.off('update', onChange);
      },
    });
  }
}
