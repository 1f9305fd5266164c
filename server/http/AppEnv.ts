import type { HttpBindings } from '@hono/node-server';
import type { AccessGrant } from '../access/AccessGrant.js';

/** What the app's handlers find on a request: the Node bindings, and what middleware decided. */
export type AppEnv = {
  Bindings: HttpBindings;
  Variables: { grant: AccessGrant | null };
};

/** JSON error body of every failed HTTP request: a stable `code` and a human `message`. */
export interface ErrorBody {
  error: { code: string; message: string; issues?: unknown };
}
