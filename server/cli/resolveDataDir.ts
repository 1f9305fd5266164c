import { ConfigError, DEFAULT_CONFIG, parseConfigFile } from '../config/loadConfig.js';
import { readConfigFile } from './readConfigFile.js';
import { UsageError } from './UsageError.js';

/** The help line of the options every data-directory command takes. */
export const DATA_DIR_OPTIONS_USAGE = `  --data-dir DIR      the data directory (default DATA_DIR, else the config file's dataDir, else ${DEFAULT_CONFIG.dataDir})
  --config PATH       the server's config file, for its dataDir (default TANDEM_CONFIG)`;

/**
 * The data directory a command works on, with the server's precedence:
 * `--data-dir`, else `DATA_DIR`, else the config file's `dataDir`, else the default.
 * Only the config file's own problems matter here: other options are the server's business.
 */
export async function resolveDataDir(
  command: string,
  usage: string,
  env: Record<string, string | undefined>,
  flags: { 'data-dir'?: string; config?: string },
): Promise<string> {
  if (flags['data-dir'] !== undefined) {
    if (flags['data-dir'].trim() === '') throw new UsageError(command, ['--data-dir must not be empty'], usage);
    return flags['data-dir'];
  }
  if (env.DATA_DIR) return env.DATA_DIR;
  let file;
  try {
    file = await readConfigFile(env, flags.config === undefined ? [] : ['--config', flags.config]);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(command, error.problems, usage);
    throw error;
  }
  if (file === null) return DEFAULT_CONFIG.dataDir;
  const { values, problems } = parseConfigFile(file);
  if (problems.length > 0) throw new UsageError(command, problems, usage);
  return values.dataDir ?? DEFAULT_CONFIG.dataDir;
}
