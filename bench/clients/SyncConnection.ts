/** What a connection tells its `RawSyncClient`. */
export interface SyncConnectionEvents {
  /** Open: frames can go both ways. */
  onOpen(): void;
  /** One binary frame from the server. */
  onFrame(frame: Uint8Array): void;
  /** It failed; before `onOpen` this means it never opened (a close follows, or has come). */
  onError(error: Error): void;
  /** It closed, on either side's initiative. Called once. */
  onClose(code: number, reason: string): void;
}

/** A client's connection to a server, whatever carries it (a `ws` socket, the HTTP fallback). */
export interface SyncConnection {
  readonly isOpen: boolean;
  send(frame: Uint8Array): void;
  /** Closes it (at once if it is still connecting); resolves once it is closed. */
  close(): Promise<void>;
}

/**
 * Opens a connection to a y-websocket URL, reporting to `events`.
 *
 * @example
 * new RawSyncClient(url, { answersSyncStep1: true, connect: connectBrowserSocket((url) => new FallbackWebSocket(url)) });
 */
export type ConnectSync = (url: string, events: SyncConnectionEvents) => SyncConnection;
