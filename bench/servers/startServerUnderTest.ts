import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Pinning } from '../pinning.js';
import { ChildServer, type ChildServerCommand } from './ChildServer.js';
import type { ServerName, ServerUnderTest } from './ServerUnderTest.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Limits far above what any scenario needs, so Tandem is measured, not its
 * rate limiter: 10,000 idle connections from one address, floods from one peer.
 */
const TANDEM_UNLIMITED = [
  '--messages-per-second', '0',
  '--message-burst', '1000000',
  '--connections-per-minute-per-ip', '0',
  '--max-connections', '100000',
  '--max-connections-per-document', '100000',
];

function commandFor(name: ServerName, dataDir: string, pinning: Pinning, extraArgs: readonly string[]): ChildServerCommand {
  // With pinning, `taskset -c 0 node …` (taskset execs node: the pid is node's).
  // BENCH_CPU_PROF_DIR=dir: every server writes a V8 CPU profile there when it stops (open it in Chrome DevTools).
  const profiling = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const [command, ...prefixArgs] = [...pinning.serverCommandPrefix, process.execPath, ...profiling];
  const node = { command: command!, prefixArgs };
  switch (name) {
    case 'tandem':
      return {
        command: node.command,
        args: [
          ...node.prefixArgs, join(REPO_ROOT, 'dist/server/main.js'),
          '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'info', '--log-format', 'json',
          ...TANDEM_UNLIMITED, ...extraArgs,
        ],
        listeningPort: (line) => (typeof line.port === 'number' && String(line.msg).startsWith('Tandem is listening') ? line.port : null),
      };
    case 'reference':
    case 'relay':
      return {
        command: node.command,
        args: [...node.prefixArgs, join(REPO_ROOT, `bench/servers/${name === 'reference' ? 'referenceServer' : 'bareRelay'}.mjs`), '--port', '0', '--data-dir', dataDir, ...extraArgs],
        listeningPort: (line) => (line.msg === 'listening' && typeof line.port === 'number' ? line.port : null),
      };
  }
}

/**
 * Starts `name` on a free port with a fresh temporary data directory; `extraArgs` go at the end
 * of its command line (say, Tandem's `--store postgres://…`).
 */
export async function startServerUnderTest(name: ServerName, pinning: Pinning, extraArgs: readonly string[] = []): Promise<ServerUnderTest> {
  const dataDir = await mkdtemp(join(tmpdir(), `tandem-bench-${name}-`));
  const command = commandFor(name, dataDir, pinning, extraArgs);
  let child = await ChildServer.start(command);
  return {
    name,
    holdsState: name !== 'relay',
    get pid() {
      return child.pid;
    },
    url: (documentName) => `ws://127.0.0.1:${child.port}${name === 'tandem' ? '/ws' : ''}/${documentName}`,
    async restart() {
      await child.stop();
      child = await ChildServer.start(command);
    },
    async stop() {
      await child.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
