import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A name for this server process that no other shares: the operator's `INSTANCE_ID`, else the
 * host (a container's is its id) and the process id, and always a random suffix. The suffix keeps
 * two processes apart even when they were given the same name (a copied compose service) or one
 * restarted: each must hear the other's frames and hold its own compaction leases.
 */
export function createInstanceId(name: string | null = null): string {
  const base = name ?? `${hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'host'}-${process.pid}`;
  return `${base}-${randomBytes(3).toString('hex')}`;
}
