import { spawn, type ChildProcess } from 'node:child_process';

/** How to start one server process; `port` is 0 (a free port). */
export interface ChildServerCommand {
  command: string;
  args: string[];
  /** The port from a stdout line that says the server is listening, else null. */
  listeningPort: (line: Record<string, unknown>) => number | null;
}

const STARTUP_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 20_000;
/** Output kept for error messages. */
const KEPT_LINES = 40;

/** Server processes still running: killed if the bench itself exits first. */
const runningChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of runningChildren) child.kill('SIGKILL');
});

/** A server in a child process that printed its port; `stop()` sends SIGTERM and waits for the exit. */
export class ChildServer {
  readonly port: number;
  readonly #child: ChildProcess;
  #stopping = false;

  private constructor(child: ChildProcess, port: number, output: string[]) {
    this.#child = child;
    this.port = port;
    // A server that dies mid-run shows up as failed cells; its last words say why.
    child.once('exit', (code, signal) => {
      if (!this.#stopping) process.stderr.write(`server ${child.spawnargs.join(' ')} exited unexpectedly (code ${code}, signal ${signal}):\n${output.join('\n')}\n`);
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  static async start(command: ChildServerCommand): Promise<ChildServer> {
    const child = spawn(command.command, command.args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    runningChildren.add(child);
    child.once('exit', () => runningChildren.delete(child));
    const output: string[] = [];
    try {
      const port = await readListeningPort(child, command, output);
      return new ChildServer(child, port, output);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

/** Resolves with the port from the listening line; keeps reading the output afterwards so the pipe never fills. */
function readListeningPort(child: ChildProcess, command: ChildServerCommand, output: string[]): Promise<number> {
  const keep = (line: string) => {
    output.push(line);
    if (output.length > KEPT_LINES) output.shift();
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command.args.join(' ')} did not say it is listening within ${STARTUP_TIMEOUT_MS} ms:\n${output.join('\n')}`)), STARTUP_TIMEOUT_MS);
    let buffered = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const text of lines) {
        keep(text);
        if (!text.startsWith('{')) continue;
        const port = command.listeningPort(JSON.parse(text) as Record<string, unknown>);
        if (port !== null) {
          clearTimeout(timer);
          resolve(port);
        }
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) keep(`stderr: ${line}`);
    });
    child.once('exit', (code, signal) => {
      // After the listening line this rejection is a no-op; the constructor's listener reports the exit.
      clearTimeout(timer);
      reject(new Error(`${command.args.join(' ')} exited (code ${code}, signal ${signal}) before listening:\n${output.join('\n')}`));
    });
  });
}
