#!/usr/bin/env node
import { COMMANDS_USAGE } from './cli/commandsUsage.js';
import { runCommand, type Command } from './cli/runCommand.js';

/**
 * The `tandem` command (and `npm start`): the only module that reads
 * process.env; each command gets it as data. `tandem --help` lists the
 * commands; `tandem [options]` with no command runs the server.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  // Loaded on demand: the editor schema and the server take seconds to load, and `--help` needs neither.
  token: async () => (await import('./cli/tokenCommand.js')).runTokenCommand,
  export: async () => (await import('./cli/exportCommand.js')).runExportCommand,
  import: async () => (await import('./cli/importCommand.js')).runImportCommand,
  backup: async () => (await import('./cli/backupCommand.js')).runBackupCommand,
  restore: async () => (await import('./cli/restoreCommand.js')).runRestoreCommand,
  check: async () => (await import('./cli/checkCommand.js')).runCheckCommand,
  migrate: async () => (await import('./cli/migrateCommand.js')).runMigrateCommand,
};
const serve = async (argv: string[]) => (await import('./cli/serveCommand.js')).runServeCommand(process.env, argv);

const argv = process.argv.slice(2);
const [command, ...rest] = argv;
if (command === '--help' || command === '-h' || command === 'help') {
  process.stdout.write(`${COMMANDS_USAGE}\n`);
} else if (command === 'serve') {
  await serve(rest);
} else if (command === undefined || command.startsWith('-')) {
  await serve(argv);
} else if (Object.hasOwn(COMMANDS, command)) {
  process.exitCode = await runCommand(command, await COMMANDS[command]!(), process.env, rest);
} else {
  process.stderr.write(`tandem: unknown command "${command}"\n\n${COMMANDS_USAGE}\n`);
  process.exitCode = 2;
}
