import { spawn, type ChildProcess } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { connect } from 'node:net';
import { freePort } from './freePort.js';

/** Where Debian's redis-server package installs the binary (`apt-get install redis-server`). */
const REDIS_SERVER = '/usr/bin/redis-server';
const STARTUP_TIMEOUT_MS = 10_000;
const SETPRIV = '/usr/bin/setpriv';

/**
 * A real redis-server on a free loopback port, without persistence (pub/sub keeps nothing
 * anyway). `stop()` and `start()` take it away and bring it back on the same port, as an
 * outage or a restart would.
 */
export class RedisServer {
  readonly port: number;
  #child: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<RedisServer> {
    await access(REDIS_SERVER, constants.X_OK).catch((error: unknown) => {
      throw new Error(`these tests run a real Redis and need ${REDIS_SERVER} (Debian: apt-get install redis-server)`, { cause: error });
    });
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.#child !== null;
  }

  async start(): Promise<void> {
    if (this.#child) throw new Error('redis-server is already running');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    // With a parent-death signal (util-linux's setpriv), redis-server dies with a test process that is killed outright.
    const command = existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL', '--', REDIS_SERVER, ...args] : [REDIS_SERVER, ...args];
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    runningChildren.add(child);
    child.once('exit', () => runningChildren.delete(child));
    let output = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    this.#child = child;
    try {
      await waitUntilAccepting(this.port, child, STARTUP_TIMEOUT_MS);
    } catch (error) {
      child.kill('SIGKILL');
      this.#child = null;
      throw new Error(`redis-server did not start: ${error instanceof Error ? error.message : String(error)}\n${output}`);
    }
  }

  /** Stops the server (SIGKILL by default: an outage, not a goodbye) and resolves once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Sends `signal` without waiting: SIGSTOP freezes Redis with its connections open, as a silent network partition looks. */
  signal(signal: NodeJS.Signals): void {
    this.#child?.kill(signal);
  }

  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
  }
}

/** Every redis-server this test process started and that still runs: killed if the test process exits first. */
const runningChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of runningChildren) child.kill('SIGKILL');
});

/** Resolves once the port accepts a connection that answers PING with PONG. */
async function waitUntilAccepting(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    if (await answersPing(port)) return;
    if (Date.now() > deadline) throw new Error(`no answer on port ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
