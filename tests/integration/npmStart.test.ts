import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../support/TestServer.js';
import { waitFor } from '../support/waitFor.js';

it('`npm start` honours PORT=0, HOST and DATA_DIR, logs the port it got, serves the app, and stops cleanly on SIGTERM', async () => {
  const dataDir = join(await mkdtemp(join(tmpdir(), 'tandem-npm-start-')), 'nested', 'data');
  // Skip the prestart build: the suite has just built, and a rebuild would race other tests reading dist/.
  const child = spawn('npm', ['start', '--ignore-scripts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const port = await waitFor(() => Number(/"port":(\d+)/.exec(output)?.[1]) || undefined, { description: 'npm start to log its port', timeoutMs: 20_000 });
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(1234);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<html/i);
    expect((await stat(join(dataDir, 'documents'))).isDirectory()).toBe(true);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // npm runs the server as a child; signal the whole process group as a terminal would.
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
    await rm(join(dataDir, '..', '..'), { recursive: true, force: true });
  }
  expect(output).toMatch(/server stopped/);
});
