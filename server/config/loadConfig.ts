import { parseArgs } from 'node:util';
import { z } from 'zod';
import { webhookSecretProblem } from '../webhooks/webhookSigningKey.js';

/**
 * Server configuration. Each option can be set in the config file (`--config`),
 * by an environment variable or by a flag: a flag wins over the environment,
 * the environment over the file, the file over the default.
 */
export interface ServerConfig {
  /** `--port` / `PORT`. TCP port; 0 picks a free one (the chosen port is logged). Default 1234. */
  port: number;
  /** `--host` / `HOST`. Interface to listen on. Default 127.0.0.1 (this machine only). */
  host: string;
  /** `--data-dir` / `DATA_DIR`. Where documents are stored. Default `./data`. */
  dataDir: string;
  /**
   * `--store` / `STORE`. `json` (files in the data dir, one instance), `memory` (lost on exit), or a
   * `postgres://user:password@host:port/database` URL (shared by several instances). Default `json`.
   */
  store: StoreSetting;
  /** `--redis` / `REDIS_URL`. `redis://host:port` shared by several instances, which then share live documents; needs a PostgreSQL store. Default none. */
  redisUrl: string | null;
  /** `--instance-id` / `INSTANCE_ID`. Names this instance in logs and compaction leases (a random suffix per process is added). Default: host name and process id. */
  instanceId: string | null;
  /** `--compaction-lease-ms` / `COMPACTION_LEASE_MS`. On a shared store, how long one instance keeps the right to compact a document after its last snapshot. Default 90 000. */
  compactionLeaseMs: number;
  /** `--log-level` / `LOG_LEVEL`. Default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `--snapshot-idle-ms` / `SNAPSHOT_IDLE_MS`. A document's snapshot is rewritten this long after its last change. Default 5000. */
  snapshotIdleMs: number;
  /** `--snapshot-max-wait-ms` / `SNAPSHOT_MAX_WAIT_MS`. …and at least this often while changes keep coming. Default 60 000. */
  snapshotMaxWaitMs: number;
  /** `--snapshot-after-updates` / `SNAPSHOT_AFTER_UPDATES`. …or once this many updates were logged since the last one. Default 1000. */
  snapshotAfterUpdates: number;
  /** `--snapshot-after-bytes` / `SNAPSHOT_AFTER_BYTES`. …or once this many bytes were logged since the last one. Default 1 MiB. */
  snapshotAfterBytes: number;
  /** `--max-message-bytes` / `MAX_MESSAGE_BYTES`. Larger WebSocket frames close the connection with 1009. Default 32 MiB. */
  maxMessageBytes: number;
  /** `--auth-secret` / `AUTH_SECRET`. When set, every connection and API call needs an access token signed with it. Default none (open). */
  authSecret: string | null;
  /** `--admin-key` / `ADMIN_KEY`. Enables `POST /api/tokens` for apps that mint tokens. Default none (endpoint off). */
  adminKey: string | null;
  /** `--public-url` / `PUBLIC_URL`. The URL people reach the server at, for share links (needed behind a proxy). Default: the request's own. */
  publicUrl: string | null;
  /** `--allowed-origins` / `ALLOWED_ORIGINS`. Comma-separated origins whose pages may open WebSockets, or `*`. Default: same origin only. */
  allowedOrigins: string[];
  /** `--tls-cert` / `TLS_CERT` and `--tls-key` / `TLS_KEY`. PEM files; when both are set the server speaks HTTPS and WSS. */
  tlsCert: string | null;
  tlsKey: string | null;
  /** `--trust-proxy` / `TRUST_PROXY`. Take the client address from X-Forwarded-For (set only behind a proxy that writes it). Default false. */
  trustProxy: boolean;
  /** `--max-document-bytes` / `MAX_DOCUMENT_BYTES`. Changes that would grow a document past this are refused (4413). Default 32 MiB. */
  maxDocumentBytes: number;
  /** `--max-connections` / `MAX_CONNECTIONS`. Open WebSockets on this server; more are closed with 1013 (clients retry). Default 10 000. */
  maxConnections: number;
  /** `--max-connections-per-document` / `MAX_CONNECTIONS_PER_DOCUMENT`. Default 500. */
  maxConnectionsPerDocument: number;
  /** `--messages-per-second` / `MESSAGES_PER_SECOND`. Sustained messages one connection may send; faster closes it with 1008. 0 = no limit. Default 200. */
  messagesPerSecond: number;
  /** `--message-burst` / `MESSAGE_BURST`. Messages a connection may send at once before the rate applies. Default 2000. */
  messageBurst: number;
  /** `--connections-per-minute-per-ip` / `CONNECTIONS_PER_MINUTE_PER_IP`. New WebSockets per client address; more get HTTP 429. 0 = no limit. Default 300. */
  connectionsPerMinutePerIp: number;
  /** `--handshake-timeout-ms` / `HANDSHAKE_TIMEOUT_MS`. Time to send the HTTP headers, and then the first WebSocket message. Default 10 000. */
  handshakeTimeoutMs: number;
  /** `--http-session-timeout-ms` / `HTTP_SESSION_TIMEOUT_MS`. An HTTP fallback session (WebSockets blocked) that nothing fetches from this long is closed and its presence removed. Default 30 000. */
  httpSessionTimeoutMs: number;
  /** `--ping-interval-ms` / `PING_INTERVAL_MS`. WebSockets are pinged this often; one that has not answered the previous ping is dropped. Default 30 000. */
  pingIntervalMs: number;

  // Observability and shutdown
  /** `--log-format` / `LOG_FORMAT`. `json` (one object per line), `pretty` (for people), or `auto`: pretty on a terminal, JSON otherwise. Default `auto`. */
  logFormat: 'json' | 'pretty' | 'auto';
  /** `--metrics-token` / `METRICS_TOKEN`. When set, `GET /metrics` needs `Authorization: Bearer <token>`. Default none (open). */
  metricsToken: string | null;
  /** `--shutdown-timeout-ms` / `SHUTDOWN_TIMEOUT_MS`. A shutdown that has not saved everything by then exits with code 1, logging what was unsaved. Default 10 000. */
  shutdownTimeoutMs: number;

  // Webhooks (see README, "Webhooks").
  /** `--webhook-urls` / `WEBHOOK_URLS`. Comma-separated http(s) URLs sent signed events on document create, change and delete. Default none (off). */
  webhookUrls: string[];
  /** `--webhook-secret` / `WEBHOOK_SECRET`. Signs the deliveries; required with URLs. `whsec_<base64>` or any string of 32+ characters. */
  webhookSecret: string | null;
  /** `--webhook-debounce-ms` / `WEBHOOK_DEBOUNCE_MS`. `document.changed` is sent this long after a document's last change. Default 2000. */
  webhookDebounceMs: number;
  /** `--webhook-max-wait-ms` / `WEBHOOK_MAX_WAIT_MS`. …and at least this often while changes keep coming. Default 30 000. */
  webhookMaxWaitMs: number;
}

export type StoreSetting = 'json' | 'memory' | `postgres://${string}` | `postgresql://${string}`;

export const DEFAULT_CONFIG: ServerConfig = {
  port: 1234,
  host: '127.0.0.1',
  dataDir: './data',
  store: 'json',
  redisUrl: null,
  instanceId: null,
  // Longer than the snapshot max wait (60 s), so a holder editing steadily renews it before it runs out.
  compactionLeaseMs: 90_000,
  logLevel: 'info',
  snapshotIdleMs: 5000,
  snapshotMaxWaitMs: 60_000,
  snapshotAfterUpdates: 1000,
  snapshotAfterBytes: 1024 * 1024,
  maxMessageBytes: 32 * 1024 * 1024,
  authSecret: null,
  adminKey: null,
  publicUrl: null,
  allowedOrigins: [],
  tlsCert: null,
  tlsKey: null,
  trustProxy: false,
  maxDocumentBytes: 32 * 1024 * 1024,
  maxConnections: 10_000,
  maxConnectionsPerDocument: 500,
  messagesPerSecond: 200,
  messageBurst: 2000,
  connectionsPerMinutePerIp: 300,
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  httpSessionTimeoutMs: 30_000,

  // Observability and shutdown
  logFormat: 'auto',
  metricsToken: null,
  shutdownTimeoutMs: 10_000,

  // Webhooks
  webhookUrls: [],
  webhookSecret: null,
  webhookDebounceMs: 2000,
  webhookMaxWaitMs: 30_000,
};

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const originSchema = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'expected origins like https://docs.example.com (scheme, host, optional port; no path), or *');

const originListSchema = z
  .string()
  .transform((value) => value.split(',').map((origin) => origin.trim()).filter((origin) => origin !== ''))
  .pipe(z.array(z.union([z.literal('*'), originSchema])));

/** Where document events are posted; the URL is logged without its query, which may hold a receiver's token. An empty list, like the default, sends none. */
const postgresUrlSchema = z
  .url({ protocol: /^postgres(ql)?$/, error: 'expected json, memory or a postgres://user:password@host:port/database URL' })
  .transform((url) => url as `postgres://${string}`);
const storeSchema = z.union([z.enum(['json', 'memory']), postgresUrlSchema], { error: 'expected json, memory or a postgres://user:password@host:port/database URL' });

const webhookUrlListSchema = z
  .string()
  .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url !== ''))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'expected http(s) URLs like https://hooks.example.com/tandem' })));

/** Each option: its flag, its environment variable, and how to read a string into it. */
const OPTIONS = {
  port: { flag: 'port', env: 'PORT', schema: z.coerce.number().int().min(0).max(65535) },
  host: { flag: 'host', env: 'HOST', schema: z.string().trim().min(1) },
  dataDir: { flag: 'data-dir', env: 'DATA_DIR', schema: z.string().trim().min(1) },
  store: { flag: 'store', env: 'STORE', schema: storeSchema },
  redisUrl: { flag: 'redis', env: 'REDIS_URL', schema: z.url({ protocol: /^rediss?$/, error: 'expected a redis://host:port URL (rediss:// for TLS)' }) },
  compactionLeaseMs: { flag: 'compaction-lease-ms', env: 'COMPACTION_LEASE_MS', schema: z.coerce.number().int().min(500).max(3_600_000) },
  instanceId: { flag: 'instance-id', env: 'INSTANCE_ID', schema: z.string().trim().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, dots, dashes and underscores, at most 100') },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  snapshotIdleMs: { flag: 'snapshot-idle-ms', env: 'SNAPSHOT_IDLE_MS', schema: z.coerce.number().int().min(0).max(3_600_000) },
  snapshotMaxWaitMs: { flag: 'snapshot-max-wait-ms', env: 'SNAPSHOT_MAX_WAIT_MS', schema: z.coerce.number().int().min(1).max(86_400_000) },
  snapshotAfterUpdates: { flag: 'snapshot-after-updates', env: 'SNAPSHOT_AFTER_UPDATES', schema: z.coerce.number().int().min(1) },
  snapshotAfterBytes: { flag: 'snapshot-after-bytes', env: 'SNAPSHOT_AFTER_BYTES', schema: z.coerce.number().int().min(1) },
  maxMessageBytes: { flag: 'max-message-bytes', env: 'MAX_MESSAGE_BYTES', schema: z.coerce.number().int().min(1024).max(1024 ** 3) },
  authSecret: { flag: 'auth-secret', env: 'AUTH_SECRET', schema: z.string().min(32, 'must be at least 32 characters (try: openssl rand -base64 48)') },
  adminKey: { flag: 'admin-key', env: 'ADMIN_KEY', schema: z.string().min(24, 'must be at least 24 characters (try: openssl rand -base64 32)') },
  publicUrl: { flag: 'public-url', env: 'PUBLIC_URL', schema: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')) },
  allowedOrigins: { flag: 'allowed-origins', env: 'ALLOWED_ORIGINS', schema: originListSchema },
  tlsCert: { flag: 'tls-cert', env: 'TLS_CERT', schema: z.string().trim().min(1) },
  tlsKey: { flag: 'tls-key', env: 'TLS_KEY', schema: z.string().trim().min(1) },
  trustProxy: { flag: 'trust-proxy', env: 'TRUST_PROXY', schema: z.stringbool() },
  maxDocumentBytes: { flag: 'max-document-bytes', env: 'MAX_DOCUMENT_BYTES', schema: z.coerce.number().int().min(1024) },
  maxConnections: { flag: 'max-connections', env: 'MAX_CONNECTIONS', schema: z.coerce.number().int().min(1) },
  maxConnectionsPerDocument: { flag: 'max-connections-per-document', env: 'MAX_CONNECTIONS_PER_DOCUMENT', schema: z.coerce.number().int().min(1) },
  messagesPerSecond: { flag: 'messages-per-second', env: 'MESSAGES_PER_SECOND', schema: z.coerce.number().min(0) },
  messageBurst: { flag: 'message-burst', env: 'MESSAGE_BURST', schema: z.coerce.number().int().min(1) },
  connectionsPerMinutePerIp: { flag: 'connections-per-minute-per-ip', env: 'CONNECTIONS_PER_MINUTE_PER_IP', schema: z.coerce.number().int().min(0) },
  handshakeTimeoutMs: { flag: 'handshake-timeout-ms', env: 'HANDSHAKE_TIMEOUT_MS', schema: z.coerce.number().int().min(100).max(600_000) },
  httpSessionTimeoutMs: { flag: 'http-session-timeout-ms', env: 'HTTP_SESSION_TIMEOUT_MS', schema: z.coerce.number().int().min(1000).max(3_600_000) },
  pingIntervalMs: { flag: 'ping-interval-ms', env: 'PING_INTERVAL_MS', schema: z.coerce.number().int().min(100).max(3_600_000) },

  // Observability and shutdown
  logFormat: { flag: 'log-format', env: 'LOG_FORMAT', schema: z.enum(['json', 'pretty', 'auto']) },
  metricsToken: { flag: 'metrics-token', env: 'METRICS_TOKEN', schema: z.string().min(16, 'must be at least 16 characters (try: openssl rand -base64 24)') },
  shutdownTimeoutMs: { flag: 'shutdown-timeout-ms', env: 'SHUTDOWN_TIMEOUT_MS', schema: z.coerce.number().int().min(1).max(3_600_000) },

  // Webhooks
  webhookUrls: { flag: 'webhook-urls', env: 'WEBHOOK_URLS', schema: webhookUrlListSchema },
  webhookSecret: {
    flag: 'webhook-secret',
    env: 'WEBHOOK_SECRET',
    schema: z
      .string()
      .min(32, 'must be at least 32 characters (try: echo "whsec_$(openssl rand -base64 32)")')
      .superRefine((secret, context) => {
        const problem = webhookSecretProblem(secret);
        if (problem !== null) context.addIssue({ code: 'custom', message: problem });
      }),
  },
  webhookDebounceMs: { flag: 'webhook-debounce-ms', env: 'WEBHOOK_DEBOUNCE_MS', schema: z.coerce.number().int().min(0).max(3_600_000) },
  webhookMaxWaitMs: { flag: 'webhook-max-wait-ms', env: 'WEBHOOK_MAX_WAIT_MS', schema: z.coerce.number().int().min(1).max(86_400_000) },
} satisfies { [K in keyof ServerConfig]: { flag: string; env: string; schema: z.ZodType<NonNullable<ServerConfig[K]>, unknown> } };

/** Options whose values may hold a password: quoted in problems without it. */
const URL_OPTIONS = new Set(['store', 'redisUrl']);

/** Options whose empty environment variable is a mistake rather than "use the default". */
const SECRET_OPTIONS = new Set(['authSecret', 'adminKey', 'metricsToken', 'webhookSecret']);

/** Flags that may be given without a value. */
const BOOLEAN_FLAGS = ['trust-proxy'];

export const USAGE = `Usage: tandem serve [options]   (or: npm start -- [options])

Runs the server. Every option is read from a flag, else its environment variable, else the config file, else the default.

Options (flag, environment variable, default):
  --config PATH               TANDEM_CONFIG           (none)     JSON file of options: {"port": 8080, "dataDir": "/srv/tandem"}
  --port N                    PORT                    1234       TCP port; 0 picks a free port
  --host ADDRESS              HOST                    127.0.0.1
  --data-dir PATH             DATA_DIR                ./data
  --store json|memory|URL     STORE                   json       or postgres://user:password@host/db, shared by instances
  --log-level LEVEL           LOG_LEVEL               info       fatal|error|warn|info|debug|trace|silent
  --snapshot-idle-ms N        SNAPSHOT_IDLE_MS        5000       rewrite a snapshot this long after the last change,
  --snapshot-max-wait-ms N    SNAPSHOT_MAX_WAIT_MS    60000      at least this often while editing,
  --snapshot-after-updates N  SNAPSHOT_AFTER_UPDATES  1000       or after this many logged updates,
  --snapshot-after-bytes N    SNAPSHOT_AFTER_BYTES    1048576    or after this many logged bytes
  --max-message-bytes N       MAX_MESSAGE_BYTES       33554432   larger WebSocket frames close with 1009

Several instances (see README, "Scaling out"):
  --redis URL                 REDIS_URL               (none)     redis://host:port; instances share live documents (needs a postgres store)
  --instance-id NAME          INSTANCE_ID             (host-pid) names this instance in logs and compaction leases
  --compaction-lease-ms N     COMPACTION_LEASE_MS     90000      one instance at a time compacts a document, for this long

Access (see README, "Security"):
  --auth-secret SECRET        AUTH_SECRET             (none)     require access tokens signed with this (32+ chars)
  --admin-key KEY             ADMIN_KEY               (none)     enable POST /api/tokens with this bearer key
  --public-url URL            PUBLIC_URL              (request)  base of share links, e.g. https://docs.example.com
  --allowed-origins LIST      ALLOWED_ORIGINS         (same)     comma-separated origins allowed to open WebSockets, or *
  --tls-cert PATH             TLS_CERT                (none)     serve HTTPS/WSS with this PEM certificate…
  --tls-key PATH              TLS_KEY                 (none)     …and this PEM key
  --trust-proxy               TRUST_PROXY             false      client address from X-Forwarded-For

Limits:
  --max-document-bytes N              MAX_DOCUMENT_BYTES              33554432  growth past this is refused (4413)
  --max-connections N                 MAX_CONNECTIONS                 10000     then 1013 (clients retry)
  --max-connections-per-document N    MAX_CONNECTIONS_PER_DOCUMENT    500       then 1013
  --messages-per-second N             MESSAGES_PER_SECOND             200       per connection, sustained; 0 = no limit
  --message-burst N                   MESSAGE_BURST                   2000      per connection, at once
  --connections-per-minute-per-ip N   CONNECTIONS_PER_MINUTE_PER_IP   300       then HTTP 429; 0 = no limit
  --handshake-timeout-ms N            HANDSHAKE_TIMEOUT_MS            10000     for the HTTP headers, then the first message
  --ping-interval-ms N                PING_INTERVAL_MS                30000     silent connections are dropped after two
  --http-session-timeout-ms N         HTTP_SESSION_TIMEOUT_MS         30000     an HTTP fallback session nothing fetches from is closed

Monitoring and shutdown (see README, "Monitoring"):
  --log-format json|pretty|auto       LOG_FORMAT                      auto      auto: pretty on a terminal, JSON otherwise
  --metrics-token TOKEN               METRICS_TOKEN                   (none)    require Authorization: Bearer TOKEN on /metrics
  --shutdown-timeout-ms N             SHUTDOWN_TIMEOUT_MS             10000     then exit 1, logging the unsaved documents

Webhooks (see README, "Webhooks"):
  --webhook-urls LIST                 WEBHOOK_URLS                    (none)    comma-separated http(s) URLs for document events
  --webhook-secret SECRET             WEBHOOK_SECRET                  (none)    signs them; whsec_<base64> or 32+ characters
  --webhook-debounce-ms N             WEBHOOK_DEBOUNCE_MS             2000      document.changed this long after the last change,
  --webhook-max-wait-ms N             WEBHOOK_MAX_WAIT_MS             30000     and at least this often while editing

  --help                      print this help

Every update is appended to the document's log and fsynced before it is reported saved;
snapshots only keep that log short.`;

/** Invalid flags, environment variables or config file; `problems` has one line per bad option. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}\n\n${USAGE}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type LoadConfigResult = { kind: 'config'; config: ServerConfig } | { kind: 'help'; text: string };

/** The config file's path and text, read by the caller (see `configFilePath`). */
export interface ConfigFile {
  path: string;
  text: string;
}

export interface LoadConfigOptions {
  /** The file `configFilePath` named, already read; `null` or absent when there is none. */
  configFile?: ConfigFile | null;
}

/**
 * The config file named by `--config PATH` (or `--config=PATH`), else by
 * `TANDEM_CONFIG`; `null` when neither is set. Pure: the caller reads the file
 * and hands its text to `loadConfig`. Anything else wrong with `argv` is left
 * for `loadConfig` to report.
 *
 * @example
 * configFilePath({}, ['--config', '/etc/tandem.json', '--port', '0']) // '/etc/tandem.json'
 */
export function configFilePath(env: Record<string, string | undefined>, argv: string[]): string | null {
  let fromFlag: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (argument === '--') break;
    if (argument === '--config') fromFlag = argv[index + 1];
    else if (argument.startsWith('--config=')) fromFlag = argument.slice('--config='.length);
  }
  if (fromFlag !== undefined) return fromFlag === '' ? null : fromFlag;
  return env.TANDEM_CONFIG ? env.TANDEM_CONFIG : null;
}

/** What a config file may set: the option keys with values already checked against their schemas. */
export type ConfigFileValues = Partial<ServerConfig>;

/**
 * Reads a config file's text: a JSON object whose keys are `ServerConfig`'s.
 * Values have their natural JSON type (numbers, booleans, strings; lists as
 * arrays or comma-separated strings; `null` for "not set" where the default is
 * none). Returns every problem at once, each naming the file and the key.
 *
 * @example
 * parseConfigFile({ path: 'tandem.json', text: '{"port": 8080}' }) // { values: { port: 8080 }, problems: [] }
 */
export function parseConfigFile(file: ConfigFile): { values: ConfigFileValues; problems: string[] } {
  const where = `config file ${file.path}`;
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (error) {
    return { values: {}, problems: [`${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { values: {}, problems: [`${where} must hold a JSON object of options, like {"port": 8080, "dataDir": "/srv/tandem"}`] };
  }
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  const options: Record<string, Option> = OPTIONS;
  for (const [key, value] of Object.entries(json)) {
    const option = Object.hasOwn(options, key) ? options[key] : undefined;
    if (!option) {
      problems.push(`${where}: unknown key "${key}"${suggestKey(key)}; the keys are the options' names in camelCase (${Object.keys(OPTIONS).join(', ')})`);
      continue;
    }
    const defaultValue = (DEFAULT_CONFIG as unknown as Record<string, unknown>)[key];
    const text = fileValueAsText(value, defaultValue);
    if (text === null) continue; // null where the default is none: not set
    if (text instanceof Error) {
      problems.push(`${where}: "${key}": ${text.message}`);
      continue;
    }
    const parsed = option.schema.safeParse(text);
    if (parsed.success) values[key] = parsed.data;
    else problems.push(`${where}: "${key}"=${JSON.stringify(value)}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  return { values: values as ConfigFileValues, problems };
}

type Option = { flag: string; env: string; schema: z.ZodType };

/**
 * A file value as the text a flag would carry, so one schema per option checks
 * all three sources. The expected JSON type follows the option's default: a
 * number for numbers, a boolean for switches, an array or a comma-separated
 * string for lists, a string otherwise.
 */
function fileValueAsText(value: unknown, defaultValue: unknown): string | null | Error {
  const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
  if (value === null) return defaultValue === null ? null : new Error(`expected ${expectedType(defaultValue)}, got null`);
  if (Array.isArray(defaultValue)) {
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      if (value.some((item) => item.includes(','))) return new Error('list items must not contain commas');
      return value.join(',');
    }
    return new Error(`expected ${expectedType(defaultValue)}, got ${got}`);
  }
  const wanted = defaultValue === null ? 'string' : typeof defaultValue;
  if (typeof value !== wanted) return new Error(`expected ${expectedType(defaultValue)}, got ${got}`);
  return String(value);
}

function expectedType(defaultValue: unknown): string {
  if (Array.isArray(defaultValue)) return 'an array of strings (or one comma-separated string)';
  if (typeof defaultValue === 'number') return 'a number';
  if (typeof defaultValue === 'boolean') return 'true or false';
  return 'a string';
}

/** A hint for a key written as a flag or an environment variable instead of in camelCase. */
function suggestKey(key: string): string {
  const options: Record<string, Option> = OPTIONS;
  const match = Object.entries(options).find(([name, option]) => option.flag === key || option.env === key || name.toLowerCase() === key.toLowerCase());
  return match ? ` (did you mean "${match[0]}"?)` : '';
}

/**
 * Builds the configuration from the config file (if any), environment
 * variables and command-line arguments (without the node and script paths).
 * Pure: reads nothing else; the caller reads the file `configFilePath` names.
 * Throws `ConfigError` listing every problem at once.
 *
 * @example
 * loadConfig({ PORT: '0' }, ['--data-dir', '/tmp/docs'])
 * loadConfig(process.env, argv, { configFile: { path: 'tandem.json', text: '{"port": 8080}' } })
 */
export function loadConfig(env: Record<string, string | undefined>, argv: string[], options: LoadConfigOptions = {}): LoadConfigResult {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        config: { type: 'string' },
        ...Object.fromEntries(Object.values(OPTIONS).map((option) => [option.flag, { type: 'string' as const }])),
        // Switches take no value (`--trust-proxy`); their environment variables take true/false, 1/0, yes/no.
        ...Object.fromEntries(BOOLEAN_FLAGS.map((flag) => [flag, { type: 'boolean' as const }])),
      },
    }).values;
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)]);
  }
  if (flags.help === true) return { kind: 'help', text: USAGE };

  const problems: string[] = [];
  const fromFile = options.configFile ? parseConfigFile(options.configFile) : { values: {}, problems: [] };
  problems.push(...fromFile.problems);
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG, ...fromFile.values };
  for (const [key, option] of Object.entries(OPTIONS)) {
    const fromFlag = flags[option.flag] === true ? 'true' : flags[option.flag];
    const raw = typeof fromFlag === 'string' ? fromFlag : env[option.env];
    if (raw === '' && typeof fromFlag !== 'string' && SECRET_OPTIONS.has(key)) {
      // An unset variable in a compose file must not quietly start an open server.
      problems.push(`${option.env} is set but empty: give it a value, or unset it to run without it`);
      continue;
    }
    if (raw === undefined || (typeof fromFlag !== 'string' && raw === '')) continue;
    const source = typeof fromFlag === 'string' ? `--${option.flag}` : option.env;
    const parsed = (option.schema as z.ZodType).safeParse(raw);
    if (parsed.success) {
      config[key] = parsed.data;
    } else {
      const shown = URL_OPTIONS.has(key) ? withoutPassword(raw) : raw;
      problems.push(`${source}=${JSON.stringify(shown)}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
  }
  const result = config as unknown as ServerConfig;
  if (problems.length === 0 && result.snapshotMaxWaitMs < result.snapshotIdleMs) {
    problems.push(`--snapshot-max-wait-ms (${result.snapshotMaxWaitMs}) must not be less than --snapshot-idle-ms (${result.snapshotIdleMs})`);
  }
  if ((result.tlsCert === null) !== (result.tlsKey === null)) {
    problems.push('--tls-cert and --tls-key go together: set both to serve HTTPS, or neither');
  }
  if (result.adminKey !== null && result.authSecret === null) {
    problems.push('--admin-key mints tokens, which needs --auth-secret to sign them');
  }
  if (result.webhookUrls.length > 0 && result.webhookSecret === null) {
    problems.push('--webhook-urls needs --webhook-secret to sign the deliveries (try: echo "whsec_$(openssl rand -base64 32)")');
  }
  if (problems.length === 0 && result.webhookMaxWaitMs < result.webhookDebounceMs) {
    problems.push(`--webhook-max-wait-ms (${result.webhookMaxWaitMs}) must not be less than --webhook-debounce-ms (${result.webhookDebounceMs})`);
  }
  if (result.redisUrl !== null && (result.store === 'json' || result.store === 'memory')) {
    problems.push(`--redis shares documents between instances, which needs a store they share: set --store to a postgres:// URL (the ${result.store} store belongs to one instance)`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { kind: 'config', config: result };
}

/** A URL with its password replaced by `***`, for messages and logs. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    // pg and ioredis also take a password as a query parameter.
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@').replace(/([?&]password=)[^&]*/gi, '$1***');
  }
}
