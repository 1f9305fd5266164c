import { DatabaseError, Pool, type PoolClient } from 'pg';
import { checkDocumentName } from '../common/documentName.js';
import { compareDocumentNames } from './compareDocumentNames.js';
import {
  StorageError,
  TITLE_MAX_LENGTH,
  type CompactionLeases,
  type DeletionGenerations,
  type DocumentInfo,
  type DocumentStore,
  type SnapshotMetadata,
  type StoredDocument,
  type WriteOptions,
} from './DocumentStore.js';
import { foldSnapshot } from './foldSnapshot.js';
import { isPostgresUnavailable, postgresError } from './postgresErrors.js';
import { ensurePostgresSchema } from './postgresSchema.js';

export interface PostgresDocumentStoreOptions {
  /** `postgres://user:password@host:port/database`. It may hold a password, so it never appears in messages (see `describe()`). */
  url: string;
  /** Connections the pool opens at most. Default 10. */
  poolSize?: number;
  /** How long a call waits for a connection before failing with `io` (PostgreSQL down). Default 5000 ms. */
  connectionTimeoutMs?: number;
  /** How long a query may take before failing with `io` (a server that stopped answering). Default 30 000 ms. */
  queryTimeoutMs?: number;
  /**
   * PostgreSQL ends a session of this store that sits inside a transaction this long: a process
   * paused mid-snapshot (a long GC, a frozen VM) would otherwise keep the document's rows locked,
   * and with them the other instances' compaction leases, for as long as it is paused. Give it the
   * compaction lease's length. Default 30 000 ms.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * Called when an idle pooled connection breaks (PostgreSQL restarted, the network dropped it). The
   * pool opens a new one when next needed. Default: nothing; a call that cannot connect reports it.
   */
  onConnectionError?: (error: StorageError) => void;
}

/** How long one writability probe's answer stands, as in the JSON store: readiness probes must not become queries. */
const WRITABLE_PROBE_TTL_MS = 1000;

/** SQLSTATE of a foreign-key violation: the document row an append made sure of was deleted before its records went in. */
const FOREIGN_KEY_VIOLATION = '23503';

/** True for `postgres://…` and `postgresql://…` URLs, the values that select this store. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * A store in PostgreSQL that several server instances share (tables: see `postgresSchema.ts`).
 * Appends are one transaction each and resolve after COMMIT. Snapshots are written under the
 * document's compaction lease (`leases`), fenced by its token, and fold in what the writer may lack
 * (see `foldSnapshot`), so neither a paused instance nor a race between instances loses an edit.
 *
 * @example
 * const store = await PostgresDocumentStore.open({ url: 'postgres://tandem:secret@db:5432/tandem' });
 * const token = await store.leases.acquire('notes', instanceId, 30_000);
 * if (token !== null) await store.writeSnapshot('notes', state, { title, fencingToken: token });
 */
export class PostgresDocumentStore implements DocumentStore {
  readonly leases: CompactionLeases;
  readonly deletions: DeletionGenerations;
  readonly #pool: Pool;
  /** `host:port/database`, for messages. */
  readonly #server: string;
  /** Per document, the tail of its queue of appends: the pool would otherwise run them on different connections, in any order. */
  readonly #appendQueues = new Map<string, Promise<unknown>>();
  /** Calls under way, which `close()` waits for. */
  readonly #pending = new Set<Promise<unknown>>();
  #closed = false;
  /** The last writability probe and when it started; concurrent checks share it. */
  #writableProbe: { startedAt: number; result: Promise<void> } | null = null;

  private constructor(pool: Pool, server: string) {
    this.#pool = pool;
    this.#server = server;
    this.leases = {
      acquire: (documentName, holder, ttlMs) => this.#track(this.#acquireLease(documentName, holder, ttlMs)),
      release: (documentName, holder) => this.#track(this.#releaseLease(documentName, holder)),
    };
    this.deletions = {
      current: async (documentName) => {
        this.#assertOpen();
        const { rows } = await this.#track(
          this.#query<{ generation: string }>(`read the generation of "${documentName}"`, 'SELECT generation FROM tandem_generations WHERE name = $1', [documentName]),
        );
        return rows[0] === undefined ? 0 : Number(rows[0].generation);
      },
    };
  }

  /** Connects and creates the tables if they are missing. Rejects with `StorageError('io')` when PostgreSQL cannot be reached. */
  static async open(options: PostgresDocumentStoreOptions): Promise<PostgresDocumentStore> {
    if (!isPostgresUrl(options.url)) throw new TypeError('the PostgreSQL store needs a postgres:// or postgresql:// URL');
    const server = describePostgresUrl(options.url);
    const pool = new Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? 30_000,
      application_name: 'tandem',
      keepAlive: true,
    });
    // Without a listener, an idle connection that breaks (PostgreSQL restarting) would crash the process.
    // The pool has already dropped it; the next call opens a new one.
    pool.on('error', (error) => options.onConnectionError?.(postgresError(server, 'keep an idle connection open', error)));
    const store = new PostgresDocumentStore(pool, server);
    try {
      await store.#withClient('create its tables', ensurePostgresSchema);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  /** Where the store is, without credentials: `host:port/database`, for logs. */
  describe(): string {
    return this.#server;
  }

  /** The connection pool's state, for metrics: open connections, idle ones, and calls waiting for one. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.#pool.totalCount, idle: this.#pool.idleCount, waiting: this.#pool.waitingCount };
  }

  async load(documentName: string): Promise<StoredDocument | null> {
    this.#assertOpen();
    // One statement sees one state of the database: a compaction committing meanwhile cannot make it
    // read the old snapshot and then a log without the records the new snapshot took over.
    const { rows } = await this.#track(
      this.#query<Omit<DocumentRow, 'size'> & { snapshot: Buffer | null; records: Buffer[] }>(
        `load "${documentName}"`,
        `SELECT d.name, d.title, d.created_at, greatest(d.updated_at, u.last_appended_at) AS updated_at, d.snapshot,
                coalesce(u.records, '{}') AS records
           FROM tandem_documents d
           LEFT JOIN LATERAL (SELECT array_agg(data ORDER BY seq) AS records, max(appended_at) AS last_appended_at
                                FROM tandem_updates WHERE name = d.name) u ON true
          WHERE d.name = $1`,
        [documentName],
      ),
    );
    const row = rows[0];
    if (row === undefined) return null;
    const snapshot = row.snapshot === null ? null : bytesOf(row.snapshot);
    const updates = row.records.map(bytesOf);
    const size = (snapshot?.byteLength ?? 0) + updates.reduce((sum, update) => sum + update.byteLength, 0);
    return { ...infoOf({ ...row, size }), snapshot, updates, warnings: [] };
  }

  async appendUpdates(documentName: string, updates: readonly Uint8Array[], options: WriteOptions = {}): Promise<void> {
    this.#assertOpen();
    assertStorableName(documentName);
    if (updates.length === 0) return;
    // Copies now: the caller may reuse its arrays while the append waits for its turn.
    const records = updates.map((update) => Buffer.from(update));
    await this.#track(this.#enqueueAppend(documentName, () => this.#append(documentName, records, options.generation)));
  }

  async #append(documentName: string, records: Buffer[], generation: number | undefined): Promise<void> {
    const insert = () =>
      this.#transaction(`append to "${documentName}"`, async (client) => {
        if (generation !== undefined) await this.#assertGeneration(client, documentName, generation);
        await client.query('INSERT INTO tandem_documents (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [documentName]);
        // Identity values are drawn in row order, so `seq` keeps the order of `records`.
        await client.query(
          `INSERT INTO tandem_updates (name, data)
           SELECT $1, data FROM unnest($2::bytea[]) WITH ORDINALITY AS appended (data, position) ORDER BY position`,
          [documentName, records],
        );
      });
    try {
      await insert();
    } catch (error) {
      // Another instance deleted the document between our two statements: this append creates it again.
      if (!(error instanceof StorageError && error.cause instanceof DatabaseError && error.cause.code === FOREIGN_KEY_VIOLATION)) throw error;
      await insert();
    }
  }

  async writeSnapshot(documentName: string, state: Uint8Array, metadata: SnapshotMetadata = {}): Promise<void> {
    this.#assertOpen();
    assertStorableName(documentName);
    const { fencingToken } = metadata;
    if (fencingToken !== undefined && !Number.isSafeInteger(fencingToken)) throw new TypeError(`fencing token ${fencingToken} is not an integer`);
    const title = metadata.title ? metadata.title.slice(0, TITLE_MAX_LENGTH) : null;
    const copy = Buffer.from(state);
    await this.#track(
      this.#transaction(`write the snapshot of "${documentName}"`, async (client) => {
        // Creates the row if needed and locks it (a no-op update of a non-key column: FOR NO KEY UPDATE,
        // which appends' foreign-key checks do not wait for), so snapshots of one document take turns.
        // The stored snapshot comes back only when it may hold something this writer lacks: written with
        // another token, without one while this write has one, or with records folded in.
        const { rows } = await client.query<{ replaced: Buffer | null }>(
          `INSERT INTO tandem_documents AS d (name) VALUES ($1)
           ON CONFLICT (name) DO UPDATE SET title = d.title
           RETURNING CASE WHEN d.snapshot_folded OR d.snapshot_token IS DISTINCT FROM $2::bigint THEN d.snapshot END AS replaced`,
          [documentName, fencingToken ?? null],
        );
        if (metadata.generation !== undefined) await this.#assertGeneration(client, documentName, metadata.generation);
        if (fencingToken !== undefined) await this.#assertFencingToken(client, documentName, fencingToken);
        const { rows: records } = await client.query<{ seq: string; data: Buffer }>('SELECT seq, data FROM tandem_updates WHERE name = $1 ORDER BY seq', [documentName]);
        const fold = foldSnapshot(copy, rows[0]?.replaced ?? null, records.map((record) => record.data));
        await client.query(
          `UPDATE tandem_documents SET snapshot = $2, snapshot_token = $3, snapshot_folded = $4, title = $5, updated_at = clock_timestamp()
            WHERE name = $1`,
          [documentName, Buffer.from(fold.snapshot.buffer, fold.snapshot.byteOffset, fold.snapshot.byteLength), fencingToken ?? null, fold.folded, title],
        );
        // Exactly the records read: those another instance appended since are not in the snapshot and stay.
        const covered = fold.covered.map((index) => records[index]!.seq);
        if (covered.length > 0) await client.query('DELETE FROM tandem_updates WHERE name = $1 AND seq = ANY($2::bigint[])', [documentName, covered]);
      }),
    );
  }

  /**
   * Refuses the write when the lease has passed to another token. The lease row stays share-locked
   * until COMMIT, so a new holder's `acquire` waits for this write: it is either refused now or
   * committed before the new token exists. A document whose lease was never taken has no row: a
   * token from elsewhere cannot be checked and is not refused.
   */
  async #assertFencingToken(client: PoolClient, documentName: string, fencingToken: number): Promise<void> {
    const { rows } = await client.query<{ token: string }>('SELECT token FROM tandem_leases WHERE name = $1 FOR SHARE', [documentName]);
    const current = rows[0] === undefined ? null : Number(rows[0].token);
    if (current !== null && current !== fencingToken) {
      throw new StorageError('fenced', `the snapshot of "${documentName}" carries fencing token ${fencingToken}, but its compaction lease has passed to token ${current}`);
    }
  }

  /**
   * Refuses the write when the document was deleted after the writer loaded it. The generation row
   * is created if missing and share-locked until COMMIT: a deletion (which moves it on) waits for
   * writes already checked, and writes that come after it see the new generation.
   */
  async #assertGeneration(client: PoolClient, documentName: string, generation: number): Promise<void> {
    await client.query('INSERT INTO tandem_generations (name, generation) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING', [documentName]);
    const { rows } = await client.query<{ generation: string }>('SELECT generation FROM tandem_generations WHERE name = $1 FOR SHARE', [documentName]);
    const current = Number(rows[0]?.generation ?? 0);
    if (current !== generation) throw new StorageError('deleted', `"${documentName}" was deleted after this instance loaded it; the write is refused so it does not come back`);
  }

  async delete(documentName: string): Promise<boolean> {
    this.#assertOpen();
    return this.#track(
      this.#transaction(`delete "${documentName}"`, async (client) => {
        // First, so writes checked against the old generation finish before the rows go (see #assertGeneration).
        await client.query(
          `INSERT INTO tandem_generations AS g (name, generation) VALUES ($1, 1)
           ON CONFLICT (name) DO UPDATE SET generation = g.generation + 1`,
          [documentName],
        );
        const { rowCount } = await client.query('DELETE FROM tandem_documents WHERE name = $1', [documentName]);
        // The lease row stays and its token moves on: a holder still compacting the deleted document is
        // fenced instead of writing it back, and no later holder can be handed a token it held before.
        await client.query('UPDATE tandem_leases SET token = token + 1, holder = NULL, expires_at = least(expires_at, now()) WHERE name = $1', [documentName]);
        return (rowCount ?? 0) > 0;
      }),
    );
  }

  async list(): Promise<DocumentInfo[]> {
    this.#assertOpen();
    const { rows } = await this.#track(this.#query<DocumentRow>('list the documents', `${DOCUMENT_INFO_QUERY} ORDER BY d.name COLLATE "C"`, []));
    return rows.map(infoOf).sort((a, b) => compareDocumentNames(a.documentName, b.documentName));
  }

  async info(documentName: string): Promise<DocumentInfo | null> {
    this.#assertOpen();
    const { rows } = await this.#track(this.#query<DocumentRow>(`describe "${documentName}"`, `${DOCUMENT_INFO_QUERY} WHERE d.name = $1`, [documentName]));
    return rows[0] === undefined ? null : infoOf(rows[0]);
  }

  async checkWritable(): Promise<void> {
    this.#assertOpen();
    const now = Date.now();
    if (this.#writableProbe === null || now - this.#writableProbe.startedAt >= WRITABLE_PROBE_TTL_MS) {
      const result = this.#track(this.#probeWritable());
      // A cached failure is reported to every caller that asks; this only keeps it from counting as unhandled meanwhile.
      result.catch(() => undefined);
      this.#writableProbe = { startedAt: now, result };
    }
    return this.#writableProbe.result;
  }

  /** A round trip that also tells a standby or a read-only server (where every save would fail) from a writable primary. */
  async #probeWritable(): Promise<void> {
    const { rows } = await this.#query<{ read_only: string }>('check that it can write', `SELECT current_setting('transaction_read_only') AS read_only`, []);
    if (rows[0]?.read_only === 'on') {
      throw new StorageError('io', `PostgreSQL at ${this.#server} is read-only (a standby, or default_transaction_read_only is on): documents cannot be saved there`);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled(this.#pending);
    await this.#pool.end();
  }

  /**
   * One atomic statement, on the database's clock (instances' clocks may disagree): a new lease, a
   * renewal by its holder (same token), or a takeover of an expired or released lease (token + 1).
   * While another holder's lease runs, the WHERE leaves the row alone and nothing is returned.
   */
  async #acquireLease(documentName: string, holder: string, ttlMs: number): Promise<number | null> {
    this.#assertOpen();
    assertStorableName(documentName);
    if (holder === '') throw new TypeError('a lease holder needs a name');
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`lease time ${ttlMs} ms is not a positive number`);
    const { rows } = await this.#query<{ token: string }>(
      `lease "${documentName}"`,
      `INSERT INTO tandem_leases AS l (name, holder, token, expires_at)
       VALUES ($1, $2, 1, now() + make_interval(secs => $3::double precision / 1000))
       ON CONFLICT (name) DO UPDATE
          SET holder = excluded.holder,
              token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END,
              expires_at = excluded.expires_at
        WHERE l.holder = excluded.holder OR l.expires_at <= now()
       RETURNING token`,
      [documentName, holder, ttlMs],
    );
    return rows[0] === undefined ? null : Number(rows[0].token);
  }

  /** Ends the lease now if `holder` has it. The row (and its token) stays, so tokens keep growing. */
  async #releaseLease(documentName: string, holder: string): Promise<void> {
    this.#assertOpen();
    await this.#query(`release the lease on "${documentName}"`, 'UPDATE tandem_leases SET expires_at = least(expires_at, now()) WHERE name = $1 AND holder = $2', [
      documentName,
      holder,
    ]);
  }

  #query<Row extends object>(action: string, text: string, values: unknown[]): Promise<{ rows: Row[] }> {
    return this.#withClient(action, (client) => client.query<Row>(text, values));
  }

  #transaction<T>(action: string, run: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.#withClient(action, async (client) => {
      await client.query('BEGIN');
      let result: T;
      try {
        result = await run(client);
      } catch (error) {
        // If this fails too, the connection is gone and `#withClient` discards it.
        await client.query('ROLLBACK');
        throw error;
      }
      await client.query('COMMIT');
      return result;
    });
  }

  /** Runs `run` on a pooled connection; every failure comes out as a StorageError naming `action`. */
  async #withClient<T>(action: string, run: (client: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw postgresError(this.#server, action, error);
    }
    // A connection that breaks between two queries emits 'error' with no query to fail: without this
    // listener that would crash the process. The failure then surfaces through the next query.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await run(client);
    } catch (error) {
      if (broken === undefined && isConnectionFailure(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw postgresError(this.#server, action, error);
    } finally {
      client.off('error', onError);
      // A broken connection is closed rather than handed to the next call.
      client.release(broken);
    }
  }

  #enqueueAppend<T>(documentName: string, append: () => Promise<T>): Promise<T> {
    const previous = this.#appendQueues.get(documentName) ?? Promise.resolve();
    const next = previous.then(append, append);
    const tail = next.catch(() => undefined);
    this.#appendQueues.set(documentName, tail);
    void tail.then(() => {
      if (this.#appendQueues.get(documentName) === tail) this.#appendQueues.delete(documentName);
    });
    return next;
  }

  #track<T>(operation: Promise<T>): Promise<T> {
    this.#pending.add(operation);
    const settled = () => this.#pending.delete(operation);
    operation.then(settled, settled);
    return operation;
  }

  #assertOpen(): void {
    if (this.#closed) throw new StorageError('closed', `the PostgreSQL store at ${this.#server} is closed`);
  }
}

/** A document's metadata, computed from its row and its log without reading any content. */
const DOCUMENT_INFO_QUERY = `
  SELECT d.name, d.title, d.created_at, greatest(d.updated_at, u.last_appended_at) AS updated_at,
         coalesce(octet_length(d.snapshot), 0) + coalesce(u.bytes, 0) AS size
    FROM tandem_documents d
    LEFT JOIN LATERAL (SELECT sum(octet_length(data)) AS bytes, max(appended_at) AS last_appended_at
                         FROM tandem_updates WHERE name = d.name) u ON true`;

interface DocumentRow {
  name: string;
  title: string | null;
  created_at: Date;
  updated_at: Date;
  /** A bigint sum: `pg` returns those as strings. */
  size: string | number;
}

function infoOf(row: DocumentRow): DocumentInfo {
  return {
    documentName: row.name,
    size: Number(row.size),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.title ? { title: row.title } : {}),
  };
}

/** `pg` returns bytea as Buffers; callers get plain Uint8Array views of the same bytes. */
function bytesOf(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

function assertStorableName(documentName: string): void {
  const check = checkDocumentName(documentName);
  if (!check.ok) throw new StorageError('invalid-name', check.reason);
}

/** Whether a failed call leaves its connection unusable: anything but a statement PostgreSQL refused, or our own refusal. */
function isConnectionFailure(error: unknown): boolean {
  if (error instanceof StorageError) return false;
  return !(error instanceof DatabaseError) || isPostgresUnavailable(error);
}

/**
 * `host:port/database` of a connection URL, without user or password.
 *
 * @example
 * describePostgresUrl('postgres://tandem:secret@db.internal:5433/docs') // 'db.internal:5433/docs'
 */
export function describePostgresUrl(url: string): string {
  if (!URL.canParse(url)) return 'an unparseable postgres:// URL';
  const parsed = new URL(url);
  const host = percentDecoded(parsed.hostname) || parsed.searchParams.get('host') || 'localhost';
  const database = percentDecoded(parsed.pathname.replace(/^\//, '')) || '(default database)';
  return `${host}:${parsed.port || '5432'}/${database}`;
}

function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch (error) {
    if (error instanceof URIError) return text;
    throw error;
  }
}
