import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_ENTRY = join(REPO_ROOT, 'dist/server/main.js');


export interface TestServerOptions {
  /** Data directory; a fresh temporary one by default (removed by `dispose`). */
  dataDir?: string;
  /** Extra command-line flags. */
  args?: string[];
  env?: Record<string, string>;
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/**
 * The real server (`dist/server/main.js`, built by `npm run build`) in a
 * child process on a free port. `restart()` brings it back on the same port
 * and data directory, as an operator's restart would.
 */
export class TestServer {
  readonly dataDir: string;
  readonly logs: LogLine[] = [];
  port = 0;
  #child: ChildProcess | null = null;
  readonly #ownsDataDir: boolean;
  readonly #options: TestServerOptions;

  private constructor(dataDir: string, ownsDataDir: boolean, options: TestServerOptions) {
    this.dataDir = dataDir;
    this.#ownsDataDir = ownsDataDir;
    this.#options = options;
  }

  static async start(options: TestServerOptions = {}): Promise<TestServer> {
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tandem-test-')));
    const server = new TestServer(dataDir, options.dataDir === undefined, options);
    await server.#spawn(0);
    return server;
  }

  /** Whether the server was started with a TLS certificate (then its URLs are https:// and wss://). */
  get secure(): boolean {
    return Boolean(this.#options.env?.TLS_CERT ?? this.#options.args?.includes('--tls-cert'));
  }

  get httpUrl(): string {
    return `${this.secure ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** The base URL for `new WebsocketProvider(wsUrl, documentName, doc)`. */
  get wsUrl(): string {
    return `${this.secure ? 'wss' : 'ws'}://127.0.0.1:${this.port}/ws`;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  /** Stops the process with `signal` and resolves with its exit code once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.#child;
    if (!child) return null;
    this.#child = null;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    return exited;
  }

  /** Sends `signal` without waiting for anything: SIGSTOP and SIGCONT pause and resume the process, as a long GC pause or a frozen VM would. */
  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  /** Stops (SIGTERM unless told otherwise) and starts again on the same port and data directory. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.#spawn(this.port);
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error('test server is already running');
    await this.#spawn(this.port);
  }

  /** Stops the server and removes its temporary data directory. */
  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    if (this.#ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  /** The first log line matching `predicate`, or undefined. */
  findLog(predicate: (line: LogLine) => boolean): LogLine | undefined {
    return this.logs.find(predicate);
  }

  async #spawn(port: number): Promise<void> {
    const child = spawn(
      process.execPath,
      [SERVER_ENTRY, '--port', String(port), '--host', '127.0.0.1', '--data-dir', this.dataDir, ...(this.#options.args ?? [])],
      { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: 'debug', ...this.#options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    // If the test run itself dies, the server must not outlive it.
    runningChildren.add(child);
    child.once('exit', () => runningChildren.delete(child));
    this.#child = child;
    try {
      this.port = await readListeningPort(child, this.logs, STARTUP_TIMEOUT_MS);
    } catch (error) {
      // A server that never said it is listening must not outlive the test that started it.
      child.kill('SIGKILL');
      this.#child = null;
      throw error;
    }
  }
}

/** Every server process this test process started and that still runs: killed if the test process exits first. */
const runningChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of runningChildren) child.kill('SIGKILL');
});

/** How long a server may take to start (it waits up to 1.5 s for a crashed predecessor's lock). */
const STARTUP_TIMEOUT_MS = 15_000;

/** Collects the child's JSON log lines and resolves with the port from its "listening" line (an info-level line). */
function readListeningPort(child: ChildProcess, logs: LogLine[], timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not log that it is listening within ${timeoutMs} ms (is LOG_LEVEL above info?)`)), timeoutMs);
    child.once('exit', () => clearTimeout(timer));
    let buffered = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const text of lines) {
        if (!text.trim()) continue;
        let line: LogLine;
        try {
          line = JSON.parse(text) as LogLine;
        } catch {
          line = { level: 30, msg: text };
        }
        logs.push(line);
        if (typeof line.port === 'number' && line.msg.startsWith('Tandem is listening')) {
          clearTimeout(timer);
          resolve(line.port);
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('exit', (code) => reject(new Error(`server exited with code ${code} before listening:\n${stderr}\n${logs.map((l) => l.msg).join('\n')}`)));
  });
}
