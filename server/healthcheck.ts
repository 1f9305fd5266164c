#!/usr/bin/env node
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConfigError, loadConfig } from './config/loadConfig.js';
import { readConfigFile } from './cli/readConfigFile.js';

/**
 * The container health check (`HEALTHCHECK` in the Dockerfile): exits 0 when
 * this machine's server answers `/readyz` with 200 within the time limit, 1
 * otherwise. A separate entry point, so it needs no shell, curl or wget in the image.
 *
 * Finds the port and TLS as the server does (environment, then `TANDEM_CONFIG`'s
 * file); the address is always loopback, whatever HOST the server listens on
 * (0.0.0.0 and :: include loopback).
 */
const TIMEOUT_MS = 4000;

let port: number;
let secure: boolean;
try {
  const loaded = loadConfig(process.env, [], { configFile: await readConfigFile(process.env, []) });
  if (loaded.kind !== 'config') throw new ConfigError(['unexpected --help']);
  ({ port } = loaded.config);
  secure = loaded.config.tlsCert !== null;
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`tandem healthcheck: invalid configuration: ${error.problems.join('; ')}\n`);
  process.exit(1);
}

const request = secure ? httpsRequest : httpRequest;
const probe = request(
  {
    host: '127.0.0.1',
    port,
    path: '/readyz',
    timeout: TIMEOUT_MS,
    // The certificate names the public host, not 127.0.0.1; this only asks our own process whether it is ready.
    rejectUnauthorized: false,
  },
  (response) => {
    response.resume();
    if (response.statusCode !== 200) process.stderr.write(`tandem healthcheck: /readyz answered ${response.statusCode}\n`);
    process.exitCode = response.statusCode === 200 ? 0 : 1;
  },
);
probe.on('timeout', () => probe.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
probe.on('error', (error) => {
  process.stderr.write(`tandem healthcheck: ${error.message}\n`);
  process.exitCode = 1;
});
probe.end();
