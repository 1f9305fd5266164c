import { readFile } from 'node:fs/promises';
import { ConfigError, configFilePath, type ConfigFile } from '../config/loadConfig.js';

/**
 * Reads the config file that `--config` or `TANDEM_CONFIG` names, for
 * `loadConfig`; `null` when none is named. An unreadable file is a
 * `ConfigError` naming it.
 */
export async function readConfigFile(env: Record<string, string | undefined>, argv: string[]): Promise<ConfigFile | null> {
  const path = configFilePath(env, argv);
  if (path === null) return null;
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    throw new ConfigError([`cannot read config file ${path}: ${error instanceof Error ? error.message : String(error)}`]);
  }
}
