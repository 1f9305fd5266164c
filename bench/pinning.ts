import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** The core servers run on when pinned; the load generator has core 1. */
const SERVER_CORE = '0';

/** Where the servers and the load generator run. */
export interface Pinning {
  used: boolean;
  /** Prefix for a server's command line (`taskset -c 0`), empty without pinning. */
  serverCommandPrefix: string[];
  description: string;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/**
 * Pins this process (the load generator, every thread) to core 1 and
 * returns the prefix that starts servers on core 0, so neither steals the
 * other's CPU. Without taskset or a second core, nothing is pinned.
 */
export function pinLoadGenerator(): Pinning {
  if (availableParallelism() < 2) return { used: false, serverCommandPrefix: [], description: 'not pinned (one core)' };
  if (!hasTaskset()) return { used: false, serverCommandPrefix: [], description: 'not pinned (no taskset)' };
  execFileSync('taskset', ['-a', '-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  return { used: true, serverCommandPrefix: ['taskset', '-c', SERVER_CORE], description: 'pinned with taskset: servers on core 0, load generator on core 1' };
}

/**
 * Moves running processes (every thread of each) to the servers' core, as `serverCommandPrefix`
 * does for a server it starts: for the ones a scenario starts otherwise, such as PostgreSQL and
 * Redis. What they fork later inherits it. Nothing happens without pinning.
 */
export function pinToServerCore(pids: readonly number[], pinning: Pinning): void {
  if (!pinning.used) return;
  for (const pid of pids) execFileSync('taskset', ['-a', '-p', '-c', SERVER_CORE, String(pid)], { stdio: 'ignore' });
}
