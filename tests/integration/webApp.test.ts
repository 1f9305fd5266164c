import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TestServer } from '../support/TestServer.js';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start();
});
afterAll(async () => {
  await server.dispose();
});

/** A raw GET, so we see the bytes on the wire (fetch would decompress them). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving the web app', () => {
  it('serves the list at / and the editor at /d/<name>, revalidated on every visit', async () => {
    for (const path of ['/', '/d/some-document']) {
      const page = await rawGet(path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.headers['cache-control']).toBe('no-cache');
    }
  });

  it('sends the editor bundle brotli-compressed to browsers that accept it, cacheable forever', async () => {
    const html = (await rawGet('/d/some-document')).body.toString('utf8');
    // The editor (TipTap, Yjs) is the largest script the page loads: the page's own entry, or the
    // chunk it shares with the embed page (preloaded).
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => match[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    const sized = await Promise.all(scripts.map(async (path) => ({ path, bytes: await readFile(join(REPO_ROOT, 'dist/web', path)) })));
    const { path: script, bytes: plain } = sized.reduce((largest, next) => (next.bytes.byteLength > largest.bytes.byteLength ? next : largest));

    const compressed = await rawGet(script, { 'accept-encoding': 'gzip, deflate, br' });
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('br');
    expect(compressed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(compressed.body.byteLength).toBeLessThan(plain.byteLength / 3);
    expect(brotliDecompressSync(compressed.body).equals(plain)).toBe(true);

    const identity = await rawGet(script);
    expect(identity.headers['content-encoding']).toBeUndefined();
    expect(identity.body.equals(plain)).toBe(true);
  });

  it('answers unknown asset paths with 404 JSON', async () => {
    const missing = await rawGet('/assets/nope.js');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString('utf8'))).toMatchObject({ error: { code: 'not-found' } });
  });
});
