import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A name for this server instance that no other instance shares: the host (a container's is its
 * id), the process id, and a random suffix so a restarted process with a reused pid differs too.
 */
export function createInstanceId(): string {
  const host = hostname().replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 60) || 'host';
  return `${host}-${process.pid}-${randomBytes(3).toString('hex')}`;
}
