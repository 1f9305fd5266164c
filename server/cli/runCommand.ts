import { UsageError } from './UsageError.js';

/** A `tandem` command other than `serve`: resolves with its exit code. */
export type Command = (env: Record<string, string | undefined>, argv: string[]) => Promise<number>;

/**
 * Runs a command at the CLI's boundary: bad arguments (`UsageError`) exit
 * with 2 and the usage, anything else unexpected with 1 and its message.
 */
export async function runCommand(name: string, command: Command, env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  try {
    return await command(env, argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    process.stderr.write(`tandem ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
