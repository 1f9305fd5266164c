import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freePort } from './freePort.js';

const run = promisify(execFile);

/** Where Debian and Ubuntu install the server binaries when `pg_config` is not on the PATH. */
const DEBIAN_POSTGRES_ROOT = '/usr/lib/postgresql';
/** How long initdb, start-up or crash recovery may take. */
const STARTUP_TIMEOUT_MS = 30_000;
/** PostgreSQL logs this once it accepts connections, after crash recovery if there was a crash. */
const READY_LINE = 'database system is ready to accept connections';

/**
 * A real PostgreSQL server for tests and benchmarks: a fresh cluster in a temporary directory,
 * listening on 127.0.0.1 on a free port (its Unix socket inside that directory too), trust
 * authentication for `postgres`, fsync on. One per test file; `createDatabase()` gives each test
 * its own database.
 *
 * As root, PostgreSQL runs as the `postgres` OS user (it refuses root), in its own PID namespace:
 * when `kill()` SIGKILLs the postmaster the kernel kills and reaps its children with it, as in a
 * crash, where otherwise they would linger (as zombies where nothing reaps orphans).
 *
 * @example
 * const postgres = await PostgresServer.start();
 * const url = await postgres.createDatabase(); // postgres://postgres@127.0.0.1:PORT/tandem_1
 * await postgres.kill(); await postgres.restart();
 * await postgres.dispose();
 */
export class PostgresServer {
  readonly port: number;
  /** The temporary directory: the cluster in `data/`, the Unix socket, removed by `dispose()`. */
  readonly directory: string;
  /** PostgreSQL's log lines (stderr), for diagnosing a failed start. */
  readonly log: string[] = [];
  readonly #binDir: string;
  readonly #osUser: OsUser | null;
  #launcher: ChildProcess | null = null;
  #postmasterPid: number | null = null;
  #databases = 0;

  private constructor(port: number, directory: string, binDir: string, osUser: OsUser | null) {
    this.port = port;
    this.directory = directory;
    this.#binDir = binDir;
    this.#osUser = osUser;
  }

  /** Creates a cluster (initdb, about a second) and starts PostgreSQL on it. */
  static async start(): Promise<PostgresServer> {
    const binDir = await findPostgresBinDir();
    const osUser = process.getuid?.() === 0 ? await postgresOsUser() : null;
    const directory = await mkdtemp(join(tmpdir(), 'tandem-postgres-'));
    const server = new PostgresServer(await freePort(), directory, binDir, osUser);
    try {
      if (osUser) await chown(directory, osUser.uid, osUser.gid);
      await server.#initdb();
      await server.#startPostmaster();
    } catch (error) {
      await server.dispose();
      throw error;
    }
    return server;
  }

  /** The `postgres` database, as the superuser. */
  get url(): string {
    return this.urlOf('postgres');
  }

  urlOf(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.#launcher !== null;
  }

  /** A new empty database; resolves with its URL. */
  async createDatabase(): Promise<string> {
    const name = `tandem_${++this.#databases}`;
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.urlOf(name);
  }

  /** Fast shutdown (SIGINT: open transactions roll back, then a checkpoint); resolves once every process has exited. */
  async stop(): Promise<void> {
    const launcher = this.#launcher;
    if (!launcher) return;
    const exited = exitOf(launcher);
    // Still starting (no postmaster PID yet): nothing worth a clean shutdown.
    if (this.#postmasterPid === null) launcher.kill('SIGKILL');
    else signalIfAlive(this.#postmasterPid, 'SIGINT');
    await exited;
  }

  /** SIGKILLs PostgreSQL, every process of it at once, as a crash would; `restart()` then recovers from the WAL. */
  async kill(): Promise<void> {
    const launcher = this.#launcher;
    if (!launcher) return;
    const postmaster = this.#postmasterPid!;
    const children = await childPids(postmaster);
    const exited = exitOf(launcher);
    for (const pid of [postmaster, ...children]) signalIfAlive(pid, 'SIGKILL');
    await exited;
    // Outside a PID namespace the children are orphans now: PostgreSQL refuses to start while any of
    // them still holds the old shared memory.
    await waitUntilGone(children);
  }

  /** Starts PostgreSQL again on the same port and data directory (after `stop()` or `kill()`, or stops it first). */
  async restart(): Promise<void> {
    await this.stop();
    await this.#startPostmaster();
  }

  /** Stops PostgreSQL and removes its temporary directory. */
  async dispose(): Promise<void> {
    if (this.running) {
      try {
        await this.stop();
      } catch (error) {
        // The directory must go even if the server was already gone.
        process.stderr.write(`PostgresServer: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    }
    await rm(this.directory, { recursive: true, force: true });
  }

  get #dataDir(): string {
    return join(this.directory, 'data');
  }

  async #initdb(): Promise<void> {
    const command = this.#asPostgresUser([join(this.#binDir, 'initdb'), '--pgdata', this.#dataDir, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
    // --no-sync only skips flushing the fresh cluster's files; the server itself runs with fsync on.
    await run(command[0]!, command.slice(1), { timeout: STARTUP_TIMEOUT_MS });
  }

  async #startPostmaster(): Promise<void> {
    const postgres = [
      join(this.#binDir, 'postgres'),
      '-D',
      this.#dataDir,
      '-p',
      String(this.port),
      '-k',
      this.directory,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=on',
      '-c',
      'synchronous_commit=on',
    ];
    // The launcher dies with this process (parent-death signal), and takes the postmaster with it (--kill-child).
    const command = this.#osUser ? ['setpriv', '--pdeathsig', 'KILL', '--', 'unshare', '--pid', '--fork', '--kill-child', '--', ...this.#asPostgresUser(postgres)] : postgres;
    const launcher = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    runningLaunchers.add(launcher);
    launcher.once('exit', () => {
      runningLaunchers.delete(launcher);
      if (this.#launcher === launcher) {
        this.#launcher = null;
        this.#postmasterPid = null;
      }
    });
    this.#launcher = launcher;
    try {
      await this.#waitUntilReady(launcher);
      this.#postmasterPid = this.#osUser ? await onlyChildPid(launcher.pid!) : launcher.pid!;
    } catch (error) {
      launcher.kill('SIGKILL');
      throw error;
    }
  }

  #waitUntilReady(launcher: ChildProcess): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within ${STARTUP_TIMEOUT_MS} ms:\n${this.log.join('\n')}`)), STARTUP_TIMEOUT_MS);
      let buffered = '';
      launcher.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        this.log.push(...lines);
        if (lines.some((line) => line.includes(READY_LINE))) {
          clearTimeout(timer);
          resolve();
        }
      });
      launcher.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited (${signal ?? `code ${code}`}) before accepting connections:\n${[...this.log, buffered].join('\n')}`));
      });
    });
  }

  /**
   * `command` run as the `postgres` OS user when we are root. The user switch clears the
   * parent-death signal `unshare --kill-child` set, so it is asked for again: a test process that
   * dies must not leave a postmaster behind.
   */
  #asPostgresUser(command: string[]): string[] {
    if (!this.#osUser) return command;
    return ['setpriv', `--reuid=${this.#osUser.uid}`, `--regid=${this.#osUser.gid}`, '--init-groups', '--pdeathsig', 'KILL', '--', ...command];
  }
}

interface OsUser {
  uid: number;
  gid: number;
}

/** Launchers still running: killed if the test process exits first (the postmaster dies with its launcher, or is it). */
const runningLaunchers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const launcher of runningLaunchers) launcher.kill('SIGKILL');
});

/** `pg_config --bindir` when it names a directory with initdb, else the newest /usr/lib/postgresql/N/bin. */
async function findPostgresBinDir(): Promise<string> {
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    const binDir = stdout.trim();
    if (existsSync(join(binDir, 'initdb'))) return binDir;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const versions = existsSync(DEBIAN_POSTGRES_ROOT) ? await readdir(DEBIAN_POSTGRES_ROOT) : [];
  const newest = versions
    .filter((version) => existsSync(join(DEBIAN_POSTGRES_ROOT, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (newest === undefined) throw new Error(`PostgreSQL server binaries not found: neither pg_config --bindir nor ${DEBIAN_POSTGRES_ROOT}/*/bin has initdb`);
  return join(DEBIAN_POSTGRES_ROOT, newest, 'bin');
}

async function postgresOsUser(): Promise<OsUser> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    throw new Error('running as root, but there is no "postgres" OS user to run PostgreSQL as (it refuses to run as root)', { cause: error });
  }
}

/** The child processes of `pid` (Linux: /proc/PID/task/PID/children). */
async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
  return text.trim().split(/\s+/).filter(Boolean).map(Number);
}

/** The one child of the launcher (`unshare --fork`): the postmaster, in our PID namespace's numbering. */
async function onlyChildPid(launcherPid: number): Promise<number> {
  const children = await childPids(launcherPid);
  if (children.length !== 1) throw new Error(`expected the launcher ${launcherPid} to have one child, the postmaster; it has ${children.length}`);
  return children[0]!;
}

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Resolves once none of `pids` runs any more (an unreaped zombie holds nothing, so it counts as gone). */
async function waitUntilGone(pids: number[]): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (const pid of pids) {
    while (await isRunning(pid)) {
      if (Date.now() > deadline) throw new Error(`PostgreSQL process ${pid} still runs after SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

async function isRunning(pid: number): Promise<boolean> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  // The state is the field after the parenthesised command name.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}
