export type ServerName = 'tandem' | 'reference' | 'relay';

/** One server the bench compares, running in its own child process on a free loopback port. */
export interface ServerUnderTest {
  readonly name: ServerName;
  /** False for the bare relay: it keeps no document, so it cannot sync a fresh client or load one from disk. */
  readonly holdsState: boolean;
  /** The server process, for CPU and RSS readings (changes on restart). */
  readonly pid: number;
  /** The WebSocket URL a client opens for `documentName`. */
  url(documentName: string): string;
  /** Stops (letting it flush) and starts again on the same data directory: the next load is from disk. */
  restart(): Promise<void>;
  /** Stops the process and removes its data directory. */
  stop(): Promise<void>;
}
