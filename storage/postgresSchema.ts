import type { ClientBase } from 'pg';

/**
 * The tables of `PostgresDocumentStore`, all prefixed `tandem_` so they can share a database.
 *
 * - `tandem_documents`: one row per document. `snapshot` is null while the document exists only as
 *   log records. `snapshot_token` is the fencing token the snapshot was written with (null without
 *   one) and `snapshot_folded` says whether it holds more than its writer's own state (log records or
 *   another holder's snapshot folded in): together they tell the next compaction whether it must read
 *   the snapshot back to fold it (see `foldSnapshot`).
 * - `tandem_updates`: the log, in `seq` order. A compaction deletes exactly the records it read, by
 *   `seq`, so records another instance appends meanwhile stay. The primary key is the (name, seq) index.
 * - `tandem_generations`: how many times each document was deleted. Writes that name the generation
 *   they loaded are refused once it moved on, so an instance that still has a deleted document open
 *   cannot write it back. Rows outlive their documents.
 * - `tandem_leases`: one row per document whose compaction lease was ever taken: its holder (null when
 *   nobody has it), the fencing token, and when it runs out (database clock). Rows outlive their
 *   documents, so tokens only ever grow.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS tandem_documents (
  name text PRIMARY KEY,
  snapshot bytea,
  snapshot_token bigint,
  snapshot_folded boolean NOT NULL DEFAULT false,
  title text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS tandem_updates (
  name text NOT NULL REFERENCES tandem_documents (name) ON DELETE CASCADE,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  data bytea NOT NULL,
  appended_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, seq)
);
CREATE TABLE IF NOT EXISTS tandem_leases (
  name text PRIMARY KEY,
  holder text,
  token bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE TABLE IF NOT EXISTS tandem_generations (
  name text PRIMARY KEY,
  generation bigint NOT NULL
);`;

/**
 * Creates the tables if they are missing. Idempotent. Instances starting at once take turns on an
 * advisory lock: two concurrent `CREATE TABLE IF NOT EXISTS` of one table can otherwise both pass
 * the check and one fail on the catalog's unique index.
 */
export async function ensurePostgresSchema(client: ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('tandem_schema'))`);
    await client.query(SCHEMA);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
