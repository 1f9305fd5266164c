import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './UsageError.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandLine<T extends Options> {
  values: ReturnType<typeof parseArgs<{ options: T & { help: { type: 'boolean' } }; allowPositionals: true; strict: true }>>['values'];
  positionals: string[];
}

/**
 * `util.parseArgs` for one `tandem` command: strict, with `--help`/`-h`, and
 * every mistake turned into a `UsageError` that shows the command's usage.
 * Returns `null` when `--help` was asked for (the caller prints `usage`).
 */
export function parseCommandLine<T extends Options>(
  command: string,
  usage: string,
  argv: string[],
  options: { options: T; positionals: { min: number; max: number; names: string } },
): CommandLine<T> | null {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { ...options.options, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    throw new UsageError(command, [error instanceof Error ? error.message : String(error)], usage);
  }
  if ((parsed.values as { help?: boolean }).help) return null;
  const { min, max, names } = options.positionals;
  if (parsed.positionals.length < min) throw new UsageError(command, [`missing ${names}`], usage);
  if (parsed.positionals.length > max) {
    throw new UsageError(command, [`unexpected argument${parsed.positionals.length - max > 1 ? 's' : ''}: ${parsed.positionals.slice(max).join(' ')}`], usage);
  }
  return parsed as unknown as CommandLine<T>;
}
