import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { generate } from 'selfsigned';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../common/closeCodes.js';
import { DEFAULT_CONFIG } from '../../server/config/loadConfig.js';
import { NginxProxy } from '../support/NginxProxy.js';
import { readDockerfileStage } from '../support/readDockerfileStage.js';
import { TestResources } from '../support/TestResources.js';
import { REPO_ROOT, type TestServer } from '../support/TestServer.js';
import { YjsClient } from '../support/YjsClient.js';
import { freePort } from '../support/freePort.js';
import { replaceOnce } from '../support/replaceOnce.js';
import { waitFor } from '../support/waitFor.js';

/**
 * The deployment files we ship, run for real where this machine can: nginx proxies a real server,
 * systemd checks the unit, and the image's runtime stage is laid out and run as its Dockerfile says
 * (there is no Docker engine here, so `docker build` itself is not run).
 */

const resources = new TestResources();
afterEach(() => resources.destroyClients());
afterAll(() => resources.dispose());

describe('behind the shipped nginx config', () => {
  let server: TestServer;
  let proxy: NginxProxy;
  let certificate: string;
  let certificateDir: string;
  /** `ws` trusting the test certificate, as the stock provider's WebSocket. */
  let TrustingWebSocket: new (address: string, protocols?: string | string[]) => WebSocket;

  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    certificate = pems.cert;
    certificateDir = await mkdtemp(join(tmpdir(), 'tandem-proxy-tls-'));
    await writeFile(join(certificateDir, 'cert.pem'), pems.cert);
    await writeFile(join(certificateDir, 'key.pem'), pems.private);
    TrustingWebSocket = class extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { ca: certificate, headers: { origin: `https://127.0.0.1:${proxy.httpsPort}` } });
      }
    };
    server = await resources.startServer(['--trust-proxy']);
    proxy = await NginxProxy.start({ upstreamPort: server.port, certificateFile: join(certificateDir, 'cert.pem'), keyFile: join(certificateDir, 'key.pem') });
  }, 60_000);
  afterAll(async () => {
    await proxy?.stop();
    await rm(certificateDir, { recursive: true, force: true });
  });

  it('keeps /metrics off the public side: 404 through the proxy, served to a direct scrape', async () => {
    expect((await httpsGet(`https://127.0.0.1:${proxy.httpsPort}/metrics`, certificate)).status).toBe(404);
    expect((await fetch(`${server.httpUrl}/metrics`)).status).toBe(200);
  });

  it('answers HTTPS and redirects plain HTTP to it', async () => {
    const health = await httpsGet(`https://127.0.0.1:${proxy.httpsPort}/healthz`, certificate);
    expect(health.status).toBe(200);
    const redirect = await fetch(`http://127.0.0.1:${proxy.httpPort}/d/notes`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('https://127.0.0.1/d/notes');
  });

  it('carries WebSocket upgrades: two browsers-like clients on the public origin converge', async () => {
    const url = `wss://127.0.0.1:${proxy.httpsPort}/ws`;
    const alice = new YjsClient(url, 'behind-proxy', { WebSocket: TrustingWebSocket });
    const bob = new YjsClient(url, 'behind-proxy', { WebSocket: TrustingWebSocket });
    try {
      await Promise.all([alice.synced(), bob.synced()]);
      alice.text.insert(0, 'through nginx');
      await bob.textEquals('through nginx');
      bob.text.insert(bob.text.length, ', and back');
      await alice.textEquals('through nginx, and back');
      // The page's Origin (with the proxy's port) matched the forwarded Host: nobody was refused with 4403.
      expect([...alice.closeEvents, ...bob.closeEvents].filter((event) => event.code === CloseCode.forbidden)).toEqual([]);
    } finally {
      alice.destroy();
      bob.destroy();
    }
  });

  it('passes the client address on, so a client cannot dodge per-address limits with its own X-Forwarded-For', async () => {
    const limited = await resources.startServer(['--trust-proxy', '--connections-per-minute-per-ip', '1']);
    const limitedProxy = await NginxProxy.start({ upstreamPort: limited.port, certificateFile: join(certificateDir, 'cert.pem'), keyFile: join(certificateDir, 'key.pem') });
    try {
      const connect = (spoofed: string) =>
        new Promise<number>((resolveStatus, reject) => {
          const socket = new WebSocket(`wss://127.0.0.1:${limitedProxy.httpsPort}/ws/address-check`, { ca: certificate, headers: { 'x-forwarded-for': spoofed } });
          socket.once('open', () => {
            socket.close();
            resolveStatus(101);
          });
          socket.once('unexpected-response', (_request, response) => resolveStatus(response.statusCode ?? 0));
          socket.once('error', reject);
        });
      expect(await connect('203.0.113.1')).toBe(101);
      // A new made-up address per attempt does not help: nginx appends the real one, and that is what counts.
      expect(await connect('203.0.113.2')).toBe(429);
      const refusal = await waitFor(() => limited.findLog((line) => line.msg.startsWith('refusing a connection: too many from this address')), {
        description: 'the refusal in the log',
      });
      expect(refusal.address).toBe('127.0.0.1');
    } finally {
      await limitedProxy.stop();
    }
  });
});

describe('the systemd unit', () => {
  it('passes systemd-analyze verify with this machine\'s node and a built checkout', async () => {
    let unit = await readFile(join(REPO_ROOT, 'deploy/systemd/tandem.service'), 'utf8');
    unit = replaceOnce(unit, 'ExecStart=/usr/bin/node /opt/tandem/', `ExecStart=${process.execPath} ${REPO_ROOT.replace(/\/$/, '')}/`);
    unit = replaceOnce(unit, 'WorkingDirectory=/opt/tandem', `WorkingDirectory=${REPO_ROOT}`);
    const dir = await mkdtemp(join(tmpdir(), 'tandem-unit-'));
    try {
      await writeFile(join(dir, 'tandem.service'), unit);
      const result = spawnSync('systemd-analyze', ['verify', join(dir, 'tandem.service')], { encoding: 'utf8' });
      if (result.error) throw new Error('this test needs systemd-analyze (Debian: apt-get install systemd)', { cause: result.error });
      // Unknown keys are only warnings (exit code 0), so the output must not mention the unit at all.
      expect(result.stderr.split('\n').filter((line) => line.includes('tandem'))).toEqual([]);
      expect(result.status).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

it('gives a draining server more time than its shutdown limit everywhere we ship a stop timeout', async () => {
  const limitSeconds = DEFAULT_CONFIG.shutdownTimeoutMs / 1000;
  const unit = await readFile(join(REPO_ROOT, 'deploy/systemd/tandem.service'), 'utf8');
  const compose = await readFile(join(REPO_ROOT, 'deploy/compose.yaml'), 'utf8');
  const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
  expect(Number(unit.match(/^TimeoutStopSec=(\d+)s$/m)?.[1])).toBeGreaterThan(limitSeconds);
  expect(Number(compose.match(/stop_grace_period: (\d+)s/)?.[1])).toBeGreaterThan(limitSeconds);
  const cluster = await readFile(join(REPO_ROOT, 'deploy/scale-out/compose.yaml'), 'utf8');
  expect(Number(cluster.match(/stop_grace_period: (\d+)s/)?.[1])).toBeGreaterThan(limitSeconds);
  expect(Number(readme.match(/--stop-timeout (\d+)/)?.[1])).toBeGreaterThan(limitSeconds);
});

it('the scale-out example: every instance the load balancer names is a service with its own INSTANCE_ID, on the shared store and Redis', async () => {
  const compose = await readFile(join(REPO_ROOT, 'deploy/scale-out/compose.yaml'), 'utf8');
  const balancer = await readFile(join(REPO_ROOT, 'deploy/scale-out/nginx.conf'), 'utf8');
  const upstreams = [...new Set([...balancer.matchAll(/server (tandem-\d+):1234/g)].map((match) => match[1]))];
  expect(upstreams.length).toBeGreaterThanOrEqual(2);
  for (const name of upstreams) {
    // Each service merges the shared settings and names itself.
    expect(compose).toMatch(new RegExp(`^  ${name}:\\n    <<: \\*tandem\\n    environment:\\n      <<: \\*tandem-environment\\n      INSTANCE_ID: ${name}$`, 'm'));
    expect(compose).toMatch(new RegExp(`^      ${name}:\\n        condition: service_healthy$`, 'm'));
  }
  expect(compose).toMatch(/^  STORE: postgres:\/\/tandem:\$\{POSTGRES_PASSWORD[^}]*\}@postgres:5432\/tandem$/m);
  expect(compose).toMatch(/^  REDIS_URL: redis:\/\/redis:6379$/m);
  expect(compose).toMatch(/^  postgres:$/m);
  expect(compose).toMatch(/^  redis:$/m);
});

describe('the Docker image\'s runtime stage, laid out and run as the Dockerfile says', () => {
  /** The image's `node` user stands in as `nobody` here: what matters is that it is not root. */
  const unprivileged = 65534;
  const runningAsRoot = process.getuid?.() === 0;
  let root: string;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'tandem-image-'));
    await chmod(root, 0o755);
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  });

  it('installs with npm ci as its build stage does: the lock file matches package.json', async () => {
    const build = await readDockerfileStage(join(REPO_ROOT, 'Dockerfile'), 'build');
    expect(build.instructions.some((instruction) => instruction.startsWith('RUN npm ci'))).toBe(true);
    const copy = await mkdtemp(join(tmpdir(), 'tandem-lock-'));
    try {
      await Promise.all(['package.json', 'package-lock.json'].map((file) => cp(join(REPO_ROOT, file), join(copy, file))));
      // --dry-run --offline checks the lock against package.json without fetching anything.
      const result = spawnSync('npm', ['ci', '--dry-run', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: copy, encoding: 'utf8' });
      expect(result.stderr.split('\n').filter((line) => line.includes('npm error'))).toEqual([]);
      expect(result.status).toBe(0);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('runs as a non-root user with production dependencies only, keeps documents in its volume, and its health check tells ready from stopped', async () => {
    const stage = await readDockerfileStage(join(REPO_ROOT, 'Dockerfile'), 'runtime');
    expect(stage.user).toBe('node');
    expect(stage.env.DATA_DIR).toBe('/data');
    expect(stage.instructions).toContain('VOLUME ["/data"]');
    const app = join(root, stage.workdir);
    for (const copy of stage.copies) {
      expect(copy.from).toBe('build');
      // The build stage works in /app, which is this checkout after `npm run build`.
      const source = join(REPO_ROOT, relative('/app', copy.source));
      const destination = resolve(app, copy.destination);
      if (copy.source.endsWith('node_modules')) await copyProductionDependencies(destination);
      else await cp(source, destination, { recursive: true });
    }
    const dataDir = join(root, 'data');
    await mkdir(dataDir);
    if (runningAsRoot) await chown(dataDir, unprivileged, unprivileged);

    const port = await freePort();
    const env = { ...stage.env, PATH: process.env.PATH ?? '', DATA_DIR: dataDir, PORT: String(port) };
    const run = (command: string[]) => {
      const [program, ...args] = command;
      const executable = program === 'node' ? process.execPath : program!;
      return runningAsRoot
        ? spawn('setpriv', [`--reuid=${unprivileged}`, `--regid=${unprivileged}`, '--clear-groups', executable, ...args], { cwd: app, env })
        : spawn(executable, args, { cwd: app, env });
    };
    const healthy = async () => exitCodeOf(run(stage.healthcheck ?? []));

    child = run(stage.cmd);
    await listening(child);
    expect(await healthy()).toBe(0);
    // The health check finds the port where the server does: here in a config file, not the environment.
    const configFile = join(root, 'tandem.json');
    await writeFile(configFile, JSON.stringify({ port }));
    const { PORT: _port, ...withoutPort } = env;
    const checkWithConfig = spawn(process.execPath, ['dist/server/healthcheck.js'], { cwd: app, env: { ...withoutPort, TANDEM_CONFIG: configFile } });
    expect(await exitCodeOf(checkWithConfig)).toBe(0);

    // An edit and an import (which runs in a worker with the Markdown converter) work from the image's files alone.
    const client = new YjsClient(`ws://127.0.0.1:${port}/ws`, 'in-the-image', { wantsSavedState: true });
    try {
      await client.synced();
      client.text.insert(0, 'typed into the container');
      await client.saved();
    } finally {
      client.destroy();
    }
    const created = await fetch(`http://127.0.0.1:${port}/api/documents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'imported', content: { format: 'markdown', value: '# From a file\n\nhello\n' } }),
    });
    expect(created.status).toBe(201);

    // The compose file's backup command, as the image's user, into the image's /backups (writable, outside the data directory).
    const compose = await readFile(join(REPO_ROOT, 'deploy/compose.yaml'), 'utf8');
    expect(compose).toMatch(/^ {6}- tandem-backups:\/backups$/m);
    expect(compose).toMatch(/exec tandem node dist\/server\/main\.js backup \/backups\/\$\(date \+%F\)/);
    expect(stage.instructions).toContain('RUN mkdir -p /data /backups && chown node:node /data /backups');
    const backups = join(root, 'backups');
    await mkdir(backups);
    if (runningAsRoot) await chown(backups, unprivileged, unprivileged);
    expect(await exitCodeOf(run(['node', 'dist/server/main.js', 'backup', join(backups, 'today')]))).toBe(0);
    expect((await readdir(join(backups, 'today', 'documents'))).sort()).toEqual(['imported.json', 'in-the-image.json']);

    const exited = exitCodeOf(child);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    child = null;
    expect(await healthy()).toBe(1);

    const files = await readdir(join(dataDir, 'documents'));
    expect(files.some((file) => file.startsWith('in-the-image'))).toBe(true);
    expect(files.some((file) => file.startsWith('imported'))).toBe(true);
    if (runningAsRoot) expect((await stat(join(dataDir, 'documents'))).uid).toBe(unprivileged);
  }, 60_000);
});

/** Copies the packages `npm prune --omit=dev` keeps: a runtime import of a dev dependency then fails here too. */
async function copyProductionDependencies(destination: string): Promise<void> {
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const topLevel = listed.stdout
    .split('\n')
    .map((path) => relative(REPO_ROOT, path.trim()))
    .filter((path) => /^node_modules\/(@[^/]+\/)?[^/]+$/.test(path));
  expect(topLevel.length).toBeGreaterThan(20);
  await Promise.all(topLevel.map((path) => cp(join(REPO_ROOT, path), join(destination, relative('node_modules', path)), { recursive: true, dereference: true })));
}

function exitCodeOf(process: ChildProcess): Promise<number | null> {
  if (process.exitCode !== null) return Promise.resolve(process.exitCode);
  return new Promise((resolve) => process.once('exit', (code) => resolve(code)));
}

/** Resolves when the server logs that it listens; rejects with its output if it exits first. */
function listening(process: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`no "listening" line within 15 s:\n${output}`)), 15_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Tandem is listening')) {
        clearTimeout(timer);
        resolve();
      }
    };
    process.stdout?.on('data', onData);
    process.stderr?.on('data', onData);
    process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

function httpsGet(url: string, ca: string): Promise<{ status: number | undefined; body: string }> {
  return new Promise((resolvePromise, reject) => {
    request(url, { ca }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolvePromise({ status: response.statusCode, body }));
    })
      .on('error', reject)
      .end();
  });
}
