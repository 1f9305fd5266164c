import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TestServer } from '../support/TestServer.js';

const EMBEDDER = 'https://blog.example';

let server: TestServer;
beforeAll(async () => {
  server = await TestServer.start({ args: ['--allowed-origins', EMBEDDER] });
});
afterAll(async () => {
  await server.dispose();
});

describe('serving the embeddable editor', () => {
  it('serves the library to any site, compressed and revalidated', async () => {
    const script = await fetch(`${server.httpUrl}/lib/tandem-editor.js`, { headers: { origin: 'https://anyone.example', 'accept-encoding': 'br' } });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('content-encoding')).toBe('br');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(script.headers.get('cache-control')).toBe('no-cache');
    expect(Buffer.from(await script.arrayBuffer()).equals(await readFile(join(REPO_ROOT, 'dist/web/lib/tandem-editor.js')))).toBe(true);

    const style = await fetch(`${server.httpUrl}/lib/tandem-editor.css`);
    expect(style.status).toBe(200);
    expect(style.headers.get('content-type')).toMatch(/text\/css/);
    expect(await style.text()).toContain('tandem-editor');
  });

  it('serves /embed/<name> for the allowed origins to frame, and a bad name with 400', async () => {
    const page = await fetch(`${server.httpUrl}/embed/meeting-notes`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module" crossorigin src="\/assets\/embed-[^"]+\.js">/);
    expect(page.headers.get('content-security-policy')).toMatch(new RegExp(`frame-ancestors 'self' ${EMBEDDER}`));
    expect(page.headers.get('x-frame-options')).toBeNull();

    const bad = await fetch(`${server.httpUrl}/embed/not%20a%20name`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('/assets/embed-');
    // The app's own pages stay unframeable by others.
    expect((await fetch(`${server.httpUrl}/d/meeting-notes`)).headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});
