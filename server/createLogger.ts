import { pino, type Logger } from 'pino';
import type { ServerConfig } from './config/loadConfig.js';

/** JSON lines on stdout: one object per event, easy to ship to any log system and to parse in tests. */
export function createLogger(level: ServerConfig['logLevel']): Logger {
  return pino({ level, base: { service: 'tandem' } });
}
