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
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status (has the process exited?)`);
  return Number(match[1]) * 1024;
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
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  /** Stops sampling and returns the peak RSS in bytes (one last sample included). */
  stop(): number {
    clearInterval(this.#timer);
    this.#sample();
    return this.#peakBytes;
  }

  #sample(): void {
    this.#peakBytes = Math.max(this.#peakBytes, readRssBytes(this.#pid));
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
