import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ: 100 on every mainstream Linux). */
const TICKS_PER_SECOND = 100;

/** User plus system CPU seconds `pid` has used so far (fields 14 and 15 of /proc/<pid>/stat). */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; the fields after it start past the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) throw new Error(`cannot parse /proc/${pid}/stat: ${stat.slice(0, 120)}`);
  return (utime + stime) / TICKS_PER_SECOND;
}

/** Resident set size of `pid` in bytes (VmRSS of /proc/<pid>/status). */
export function readRssBytes(pid: number): number {
  const bytes = readRssBytesIfRunning(pid);
  if (bytes === null) throw new Error(`no VmRSS in /proc/${pid}/status (has the process exited?)`);
  return bytes;
}

/** Like `readRssBytes`, but null once the process has exited (a zombie has no VmRSS). */
function readRssBytesIfRunning(pid: number): number | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return match ? Number(match[1]) * 1024 : null;
}

/** The soft limit on open files of this process (children inherit it). */
export function readOpenFileLimit(): number {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\S+)/m.exec(limits);
  if (!match) throw new Error('no "Max open files" line in /proc/self/limits');
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/**
 * Samples a process's RSS every `intervalMs` and keeps the peak, so short
 * spikes between a scenario's start and end are seen.
 */
export class RssSampler {
  #peakBytes: number;
  readonly #timer: NodeJS.Timeout;
  readonly #pid: number;

  constructor(pid: number, intervalMs = 50) {
    this.#pid = pid;
    this.#peakBytes = readRssBytes(pid);
    this.#timer = setInterval(() => {
      const bytes = readRssBytesIfRunning(pid);
      // A measurement abandoned midway (its scenario ran out of time and stopped its servers) ends with the process instead of crashing the run.
      if (bytes === null) clearInterval(this.#timer);
      else this.#peakBytes = Math.max(this.#peakBytes, bytes);
    }, intervalMs);
  }

  /** Stops sampling and returns the peak RSS in bytes (one last sample included). */
  stop(): number {
    clearInterval(this.#timer);
    this.#peakBytes = Math.max(this.#peakBytes, readRssBytes(this.#pid));
    return this.#peakBytes;
  }
}

/** CPU seconds and peak RSS of a process over one measured stretch. */
export interface ProcessUsage {
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Starts measuring `pid`; the returned function ends the measurement. */
export function measureProcess(pid: number): () => ProcessUsage {
  const cpuBefore = readCpuSeconds(pid);
  const sampler = new RssSampler(pid);
  return () => ({ cpuSeconds: readCpuSeconds(pid) - cpuBefore, peakRssBytes: sampler.stop() });
}

/** Whether an error means the process is gone (it exited between being listed and being read). */
function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/** The direct children of `pid` (those its main thread started: Linux's /proc/PID/task/PID/children); none once it is gone. */
export function readChildPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
}

/** `pid` and every process below it. */
export function readProcessTree(pid: number): number[] {
  return [pid, ...readChildPids(pid).flatMap(readProcessTree)];
}

/** The command line of `pid`, its arguments joined by spaces ('' once it is gone). */
export function readCommandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch (error) {
    if (isGone(error)) return '';
    throw error;
  }
}

function cpuSecondsByPid(roots: readonly number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of roots.flatMap(readProcessTree)) {
    try {
      seconds.set(pid, readCpuSeconds(pid));
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
  return seconds;
}

/**
 * Starts measuring the CPU of the process trees under `roots` (PostgreSQL: a postmaster and
 * the backends it forks); the returned function ends the measurement with the CPU seconds
 * used meanwhile. A process started meanwhile counts whole; one that exited meanwhile is left
 * out (an idle pooled connection timing out, which used next to nothing).
 */
export function measureProcessTrees(roots: readonly number[]): () => number {
  const before = cpuSecondsByPid(roots);
  return () => {
    let total = 0;
    for (const [pid, seconds] of cpuSecondsByPid(roots)) total += seconds - (before.get(pid) ?? 0);
    return total;
  };
}
