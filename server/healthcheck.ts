#!/usr/bin/env node
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The container health check (`HEALTHCHECK` in the Dockerfile): exits 0 when
 * this machine's server answers `/readyz` with 200 within the time limit, 1
 * otherwise. A separate entry point, so it needs no shell, curl or wget in the image.
 *
 * Reads PORT and TLS_CERT as the server does; the address is always loopback,
 * whatever HOST the server listens on (0.0.0.0 and :: include loopback).
 */
const TIMEOUT_MS = 4000;
const port = Number(process.env.PORT ?? 1234);
const secure = Boolean(process.env.TLS_CERT);
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
