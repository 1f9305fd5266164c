import { pino, type DestinationStream, type Logger } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { ServerConfig } from './config/loadConfig.js';

export interface LoggerOptions {
  level: ServerConfig['logLevel'];
  format: ServerConfig['logFormat'];
  /** Whether stdout is a terminal (`process.stdout.isTTY`): `auto` is pretty there and JSON in a pipe or file. */
  stdoutIsTerminal: boolean;
}

/**
 * The server's logger, writing to stdout. JSON lines (one object per event) for log
 * systems and tests; `pretty` for people: a time, a level and the message on one line,
 * the fields indented below. Both write synchronously, so the last lines before
 * `process.exit` (a fatal error, a shutdown that ran out of time) are never lost.
 *
 * @example createLogger({ level: 'info', format: 'auto', stdoutIsTerminal: process.stdout.isTTY === true })
 */
export function createLogger(options: LoggerOptions): Logger {
  const pretty = options.format === 'pretty' || (options.format === 'auto' && options.stdoutIsTerminal);
  const stdout = pino.destination({ dest: 1, sync: true });
  return pino({ level: options.level, base: { service: 'tandem' } }, pretty ? prettyStream(stdout, options.stdoutIsTerminal) : stdout);
}

/** pino-pretty's formatter, run inside the logging call: the line is on stdout before the call returns, never waiting in a stream. */
function prettyStream(destination: DestinationStream, colorize: boolean): DestinationStream {
  const prettify = prettyFactory({ colorize, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' });
  return { write: (line: string) => destination.write(prettify(line)) };
}
