#!/usr/bin/env node
import { runServeCommand } from './cli/serveCommand.js';
import { runTokenCommand } from './cli/tokenCommand.js';

/**
 * The `tandem` command (and `npm start`): the only module that reads
 * process.env; each command gets it as data.
 *
 *   tandem [serve] [options]   run the server (the default)
 *   tandem token [options]     mint an access token and print a share link
 */
const [command, ...rest] = process.argv.slice(2);
if (command === 'token') {
  process.exitCode = await runTokenCommand(process.env, rest);
} else {
  await runServeCommand(process.env, command === 'serve' ? rest : process.argv.slice(2));
}
