import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * Server configuration. Each option can be set by a flag or an environment
 * variable; a flag wins over the environment, the environment over the default.
 */
export interface ServerConfig {
  /** `--port` / `PORT`. TCP port; 0 picks a free one (the chosen port is logged). Default 1234. */
  port: number;
  /** `--host` / `HOST`. Interface to listen on. Default 127.0.0.1 (this machine only). */
  host: string;
  /** `--data-dir` / `DATA_DIR`. Where documents are stored. Default `./data`. */
  dataDir: string;
  /** `--store` / `STORE`. `json` (files in the data dir) or `memory` (lost on exit). Default `json`. */
  store: 'json' | 'memory';
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
}

export const DEFAULT_CONFIG: ServerConfig = {
  port: 1234,
  host: '127.0.0.1',
  dataDir: './data',
  store: 'json',
  logLevel: 'info',
  snapshotIdleMs: 5000,
  snapshotMaxWaitMs: 60_000,
  snapshotAfterUpdates: 1000,
  snapshotAfterBytes: 1024 * 1024,
  maxMessageBytes: 32 * 1024 * 1024,
};

/** Each option: its flag, its environment variable, and how to read a string into it. */
const OPTIONS = {
  port: { flag: 'port', env: 'PORT', schema: z.coerce.number().int().min(0).max(65535) },
  host: { flag: 'host', env: 'HOST', schema: z.string().trim().min(1) },
  dataDir: { flag: 'data-dir', env: 'DATA_DIR', schema: z.string().trim().min(1) },
  store: { flag: 'store', env: 'STORE', schema: z.enum(['json', 'memory']) },
  logLevel: { flag: 'log-level', env: 'LOG_LEVEL', schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) },
  snapshotIdleMs: { flag: 'snapshot-idle-ms', env: 'SNAPSHOT_IDLE_MS', schema: z.coerce.number().int().min(0).max(3_600_000) },
  snapshotMaxWaitMs: { flag: 'snapshot-max-wait-ms', env: 'SNAPSHOT_MAX_WAIT_MS', schema: z.coerce.number().int().min(1).max(86_400_000) },
  snapshotAfterUpdates: { flag: 'snapshot-after-updates', env: 'SNAPSHOT_AFTER_UPDATES', schema: z.coerce.number().int().min(1) },
  snapshotAfterBytes: { flag: 'snapshot-after-bytes', env: 'SNAPSHOT_AFTER_BYTES', schema: z.coerce.number().int().min(1) },
  maxMessageBytes: { flag: 'max-message-bytes', env: 'MAX_MESSAGE_BYTES', schema: z.coerce.number().int().min(1024).max(1024 ** 3) },
} satisfies { [K in keyof ServerConfig]: { flag: string; env: string; schema: z.ZodType<ServerConfig[K], unknown> } };

export const USAGE = `Usage: npm start -- [options]   (or: node dist/server/main.js [options])

Options (flag, environment variable, default):
  --port N                    PORT                    1234       TCP port; 0 picks a free port
  --host ADDRESS              HOST                    127.0.0.1
  --data-dir PATH             DATA_DIR                ./data
  --store json|memory         STORE                   json
  --log-level LEVEL           LOG_LEVEL               info       fatal|error|warn|info|debug|trace|silent
  --snapshot-idle-ms N        SNAPSHOT_IDLE_MS        5000       rewrite a snapshot this long after the last change,
  --snapshot-max-wait-ms N    SNAPSHOT_MAX_WAIT_MS    60000      at least this often while editing,
  --snapshot-after-updates N  SNAPSHOT_AFTER_UPDATES  1000       or after this many logged updates,
  --snapshot-after-bytes N    SNAPSHOT_AFTER_BYTES    1048576    or after this many logged bytes
  --max-message-bytes N       MAX_MESSAGE_BYTES       33554432
  --help                      print this help

Every update is appended to the document's log and fsynced before it is reported saved;
snapshots only keep that log short.`;

/** Invalid flags or environment variables; `problems` has one line per bad option. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}\n\n${USAGE}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type LoadConfigResult = { kind: 'config'; config: ServerConfig } | { kind: 'help'; text: string };

/**
 * Builds the configuration from environment variables and command-line
 * arguments (without the node and script paths). Pure: reads nothing else.
 * Throws `ConfigError` listing every problem at once.
 *
 * @example
 * loadConfig({ PORT: '0' }, ['--data-dir', '/tmp/docs'])
 */
export function loadConfig(env: Record<string, string | undefined>, argv: string[]): LoadConfigResult {
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.values(OPTIONS).map((option) => [option.flag, { type: 'string' as const }])),
      },
    }).values;
  } catch (error) {
    throw new ConfigError([error instanceof Error ? error.message : String(error)]);
  }
  if (flags.help === true) return { kind: 'help', text: USAGE };

  const problems: string[] = [];
  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const [key, option] of Object.entries(OPTIONS)) {
    const fromFlag = flags[option.flag];
    const raw = typeof fromFlag === 'string' ? fromFlag : env[option.env];
    if (raw === undefined || (typeof fromFlag !== 'string' && raw === '')) continue;
    const source = typeof fromFlag === 'string' ? `--${option.flag}` : option.env;
    const parsed = (option.schema as z.ZodType).safeParse(raw);
    if (parsed.success) {
      config[key] = parsed.data;
    } else {
      problems.push(`${source}=${JSON.stringify(raw)}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
  }
  const result = config as unknown as ServerConfig;
  if (problems.length === 0 && result.snapshotMaxWaitMs < result.snapshotIdleMs) {
    problems.push(`--snapshot-max-wait-ms (${result.snapshotMaxWaitMs}) must not be less than --snapshot-idle-ms (${result.snapshotIdleMs})`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { kind: 'config', config: result };
}
