import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { StorageError } from './DocumentStore.js';
import { isErrnoException } from './isErrnoException.js';
import { ioError } from './ioError.js';

export interface DirectoryLockOptions {
  /** Called if the lock is lost while held (deleted, or taken over after a long stall). The holder must stop writing. */
  onCompromised: (error: Error) => void;
  /**
   * A lock not refreshed for this long is considered abandoned by a process on
   * another host and may be taken over. The holder refreshes it every fifth of
   * this. Default 30 000 ms: long enough that a GC pause cannot lose a healthy
   * server its lock.
   */
  staleMs?: number;
}

export interface DirectoryLock {
  /** Set once the lock was lost; the holder must not write any more. */
  readonly lostWith: Error | null;
  release(): Promise<void>;
}

export const LOCK_FILE_NAME = 'tandem.lock';
/** Beside the lock (proper-lockfile removes the lock directory with rmdir, so it must stay empty). */
export const LOCK_OWNER_FILE_NAME = 'tandem.lock.owner';
/**
 * A lock younger than this is never taken over, even when the owner file names
 * a dead process: its creator may not have written its own owner file yet.
 */
const TAKEOVER_MIN_AGE_MS = 1500;

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
 * the same files. A second server finds the lock held and is refused at once,
 * with the holder named. A lock left by a crashed server is taken over at
 * once (after `TAKEOVER_MIN_AGE_MS`) when its owner ran on this host and is
 * gone, otherwise (another host sharing the directory) once it goes stale.
 */
export async function acquireDirectoryLock(directory: string, options: DirectoryLockOptions): Promise<DirectoryLock> {
  const staleMs = options.staleMs ?? 30_000;
  const refreshMs = Math.max(1000, Math.floor(staleMs / 5));
  const lockfilePath = join(directory, LOCK_FILE_NAME);
  const ownerFile = join(directory, LOCK_OWNER_FILE_NAME);
  const deadline = Date.now() + staleMs + 2 * refreshMs;
  let lostWith: Error | null = null;
  for (;;) {
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(directory, {
        lockfilePath,
        stale: staleMs,
        update: refreshMs,
        retries: 0,
        realpath: false,
        onCompromised: (error) => {
          lostWith = error;
          options.onCompromised(error);
        },
      });
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'ELOCKED') throw ioError(`could not lock ${lockfilePath}`, error);
      const owner = await readOwner(ownerFile);
      const age = await lockAgeMs(lockfilePath);
      if (age === null) continue; // released meanwhile: try again
      if (owner && ownerIsGone(owner)) {
        if (age >= TAKEOVER_MIN_AGE_MS) await takeOver(lockfilePath);
        else await delay(TAKEOVER_MIN_AGE_MS - age);
        continue;
      }
      const holderIsAlive = owner !== null || age < 2.5 * refreshMs;
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
      await delay(refreshMs / 2);
      continue;
    }
    const owner = currentOwner();
    await writeFile(ownerFile, JSON.stringify(owner));
    return {
      get lostWith() {
        return lostWith;
      },
      release: async () => {
        // A lost lock may belong to another server now: leave its files alone.
        if (lostWith) return;
        const recorded = await readOwner(ownerFile);
        if (recorded && recorded.pid === owner.pid && recorded.processStartedAt === owner.processStartedAt) await rm(ownerFile, { force: true });
        await release();
      },
    };
  }
}

/**
 * Removes an abandoned lock. Renaming first makes the take-over atomic: when
 * two servers race, one rename wins and the other finds nothing to move.
 */
async function takeOver(lockfilePath: string): Promise<void> {
  const graveyard = `${lockfilePath}.abandoned-${randomUUID()}`;
  try {
    await rename(lockfilePath, graveyard);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return;
    throw ioError(`could not take over the abandoned lock ${lockfilePath}`, error);
  }
  await rm(graveyard, { recursive: true, force: true });
}

/** True when the owner ran on this host and no such process exists any more. */
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
  let text: string;
  try {
    text = await readFile(ownerFile, 'utf8');
  } catch (error) {
    // Missing: the holder is between creating the lock and writing its owner file.
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw ioError(`could not read ${ownerFile}`, error);
  }
  let parsed: Partial<LockOwner>;
  try {
    parsed = JSON.parse(text) as Partial<LockOwner>;
  } catch (error) {
    if (error instanceof SyntaxError) return null; // half-written: owner unknown
    throw error;
  }
  return typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' && typeof parsed.processStartedAt === 'number'
    ? { pid: parsed.pid, hostname: parsed.hostname, processStartedAt: parsed.processStartedAt }
    : null;
}

async function lockAgeMs(lockfilePath: string): Promise<number | null> {
  try {
    const info = await stat(lockfilePath);
    return Date.now() - info.mtimeMs;
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') return null;
    throw ioError(`could not read ${lockfilePath}`, error);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

