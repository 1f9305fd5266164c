import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import WebSocket from 'ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestResources } from '../support/TestResources.js';
import type { TestServer } from '../support/TestServer.js';

const resources = new TestResources();
let server: TestServer;
let certificate: string;
let certificateDir: string;

beforeAll(async () => {
  // A certificate made for this run, valid for the address the test connects to.
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  certificate = pems.cert;
  certificateDir = await mkdtemp(join(tmpdir(), 'tandem-tls-'));
  await writeFile(join(certificateDir, 'cert.pem'), pems.cert);
  await writeFile(join(certificateDir, 'key.pem'), pems.private);
  server = await resources.startServer(['--tls-cert', join(certificateDir, 'cert.pem'), '--tls-key', join(certificateDir, 'key.pem')]);
}, 60_000);
afterAll(async () => {
  await resources.dispose();
  await rm(certificateDir, { recursive: true, force: true });
});

it('serves HTTPS with the given certificate', async () => {
  const status = await new Promise<number | undefined>((resolve, reject) => {
    request(`${server.httpUrl}/healthz`, { ca: certificate }, (response) => {
      response.resume();
      resolve(response.statusCode);
    })
      .on('error', reject)
      .end();
  });
  expect(server.httpUrl).toMatch(/^https:/);
  expect(status).toBe(200);
  // A client that does not trust the certificate is refused by TLS itself.
  await expect(fetch(`${server.httpUrl}/healthz`)).rejects.toThrow();
});

it('stock y-websocket clients sync over wss://', async () => {
  /** `ws` trusting the test certificate, as the stock provider's WebSocket. */
  class TrustingWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { ca: certificate });
    }
  }
  const alice = resources.connect(server, 'secure', { WebSocket: TrustingWebSocket });
  const bob = resources.connect(server, 'secure', { WebSocket: TrustingWebSocket });
  await Promise.all([alice.synced(), bob.synced()]);
  alice.text.insert(0, 'sent over TLS');
  await bob.textEquals('sent over TLS');
  expect(server.wsUrl).toMatch(/^wss:/);
});
