import { hostname } from 'node:os';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StorageError } from './DocumentStore.js';
import { isErrnoException } from './DurableTextFile.js';

export interface DirectoryLockOptions {
  /** Called if the lock is lost while held (for example the lock file was deleted). The holder must stop writing. */
  onCompromised: (error: Error) => void;
  /** A lock not refreshed for this long belongs to a dead process and is taken over. Default 5000 ms. */
  staleMs?: number;
}

export const LOCK_FILE_NAME = 'tandem.lock';
/** Beside the lock (proper-lockfile removes the lock directory with rmdir, so it must stay empty). */
export const LOCK_OWNER_FILE_NAME = 'tandem.lock.owner';

interface LockOwner {
  pid: number;
  hostname: string;
  /** When the owning process started (ms since epoch): tells a reused pid from the same process. */
  processStartedAt: number;
}

function currentOwner(): LockOwner {
  return { pid: process.pid, hostname: hostname(), processStartedAt: Math.round(performance.timeOrigin) };
}

/**
 * Takes an exclusive lock on a data directory so that two servers never write
 * the same files. The holder refreshes the lock's mtime every `staleMs / 5`
 * and records its pid and host inside it. A second server finds a fresh lock
 * and is refused at once. A lock left by a crashed server is taken over at
 * once when its owner ran on this host and is gone, otherwise (another host
 * sharing the directory) when it goes stale after `staleMs`.
 *
 * Returns the function that releases the lock.
 */
export async function acquireDirectoryLock(directory: string, options: DirectoryLockOptions): Promise<() => Promise<void>> {
  const staleMs = options.staleMs ?? 5000;
  const refreshMs = Math.max(1000, Math.floor(staleMs / 5));
  const lockfilePath = join(directory, LOCK_FILE_NAME);
  const deadline = Date.now() + staleMs + 2 * refreshMs;
  for (;;) {
    try {
      const release = await lockfile.lock(directory, {
        lockfilePath,
        stale: staleMs,
        update: refreshMs,
        retries: 0,
        realpath: false,
        onCompromised: options.onCompromised,
      });
      const owner = currentOwner();
      const ownerFile = join(directory, LOCK_OWNER_FILE_NAME);
      await writeFile(ownerFile, JSON.stringify(owner));
      return async () => {
        await rm(ownerFile, { force: true });
        await release();
      };
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'ELOCKED') throw error;
      const owner = await readOwner(join(directory, LOCK_OWNER_FILE_NAME));
      if (owner && ownerIsGone(owner)) {
        // The server that held it crashed on this host: nobody will refresh or release it.
        await rm(lockfilePath, { recursive: true, force: true });
        continue;
      }
      const age = await lockAgeMs(lockfilePath);
      const holderIsAlive = owner !== null || (age !== null && age < 2.5 * refreshMs);
      if (holderIsAlive || Date.now() > deadline) {
        const holder = owner ? ` by process ${owner.pid} on ${owner.hostname}` : '';
        throw new StorageError(
          'locked',
          `data directory ${directory} is in use by another Tandem server (locked${holder}; lock ${lockfilePath}). ` +
            'Stop the other server or point this one at another --data-dir.',
          { cause: error },
        );
      }
      // No owner recorded and not refreshed lately: wait for it to go stale.
      await new Promise((resolve) => setTimeout(resolve, refreshMs / 2));
    }
  }
}

/** True when the owner ran on this host and no such process exists any more (or the pid is now ours). */
function ownerIsGone(owner: LockOwner): boolean {
  const self = currentOwner();
  if (owner.hostname !== self.hostname) return false;
  // After a container restart our pid may equal the dead owner's: the start time tells them apart.
  if (owner.pid === self.pid) return owner.processStartedAt !== self.processStartedAt;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return isErrnoException(error) && error.code === 'ESRCH';
  }
}

async function readOwner(ownerFile: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(ownerFile, 'utf8')) as Partial<LockOwner>;
    return typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.processStartedAt === 'number'
      ? { pid: parsed.pid, hostname: parsed.hostname, processStartedAt: parsed.processStartedAt }
      : null;
  } catch (error) {
    // Missing (the holder is between creating the lock and writing its owner) or half-written: unknown owner.
    if ((isErrnoException(error) && error.code === 'ENOENT') || error instanceof SyntaxError) return null;
    throw error;
  }
}

async function lockAgeMs(lockfilePath: string): Promise<number | null> {
  try {
    const info = await stat(lockfilePath);
    return Date.now() - info.mtimeMs;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw error;
  }
}
