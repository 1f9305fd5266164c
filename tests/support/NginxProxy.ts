import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './TestServer.js';
import { freePort } from './freePort.js';
import { replaceOnce } from './replaceOnce.js';

/** Where Debian's nginx package installs the binary (`apt-get install nginx-light`). */
const NGINX = '/usr/sbin/nginx';

export interface NginxProxyOptions {
  /** The Tandem server's port on 127.0.0.1. */
  upstreamPort: number;
  certificateFile: string;
  keyFile: string;
}

/**
 * A real nginx running a site config we ship, adapted only where a test must differ: loopback
 * ports and addresses instead of 80/443 and host names, no IPv6 listeners, a test certificate.
 * `start` runs the TLS reverse proxy (`deploy/nginx/tandem.conf`); `startLoadBalancer` the load
 * balancer of several instances (`deploy/scale-out/nginx.conf`).
 */
export class NginxProxy {
  /** The HTTPS port (`start`); the load balancer has none and reports its HTTP port here too. */
  readonly httpsPort: number;
  readonly httpPort: number;
  readonly #child: ChildProcess;
  readonly #prefix: string;
  readonly #stderr: string[];

  private constructor(child: ChildProcess, prefix: string, httpsPort: number, httpPort: number, stderr: string[]) {
    this.#child = child;
    this.#prefix = prefix;
    this.httpsPort = httpsPort;
    this.httpPort = httpPort;
    this.#stderr = stderr;
  }

  static async start(options: NginxProxyOptions): Promise<NginxProxy> {
    const [httpsPort, httpPort] = [await freePort(), await freePort()];
    let site = await readFile(join(REPO_ROOT, 'deploy/nginx/tandem.conf'), 'utf8');
    site = replaceOnce(site, 'server 127.0.0.1:1234;', `server 127.0.0.1:${options.upstreamPort};`);
    site = replaceOnce(site, /listen 443 ssl( http2)?;/, `listen 127.0.0.1:${httpsPort} ssl$1;`);
    site = replaceOnce(site, /\n\s*listen \[::\]:443[^\n]*/, '');
    site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
    site = replaceOnce(site, /\n\s*listen \[::\]:80;/, '');
    site = replaceOnce(site, '/etc/letsencrypt/live/docs.example.com/fullchain.pem', options.certificateFile);
    site = replaceOnce(site, '/etc/letsencrypt/live/docs.example.com/privkey.pem', options.keyFile);
    return NginxProxy.#launch(site, httpsPort, httpPort);
  }

  /** The shipped load balancer, with the compose file's `tandem-N:1234` instances replaced by these loopback ports, in order. */
  static async startLoadBalancer(options: { upstreamPorts: number[] }): Promise<NginxProxy> {
    const httpPort = await freePort();
    let site = await readFile(join(REPO_ROOT, 'deploy/scale-out/nginx.conf'), 'utf8');
    const shipped = new Set([...site.matchAll(/server (tandem-\d+):1234/g)].map((match) => match[1])).size;
    if (shipped !== options.upstreamPorts.length) throw new Error(`deploy/scale-out/nginx.conf lists ${shipped} instances; the test started ${options.upstreamPorts.length}`);
    options.upstreamPorts.forEach((port, index) => {
      // In every upstream block that names the instance.
      site = site.replaceAll(`server tandem-${index + 1}:1234`, `server 127.0.0.1:${port}`);
    });
    site = replaceOnce(site, 'listen 80;', `listen 127.0.0.1:${httpPort};`);
    return NginxProxy.#launch(site, httpPort, httpPort);
  }

  static async #launch(site: string, httpsPort: number, httpPort: number): Promise<NginxProxy> {
    await access(NGINX, constants.X_OK).catch((error: unknown) => {
      throw new Error(`these tests run the shipped nginx config and need nginx at ${NGINX} (Debian: apt-get install nginx-light)`, { cause: error });
    });
    const prefix = await mkdtemp(join(tmpdir(), 'tandem-nginx-'));
    await mkdir(join(prefix, 'temp'));
    await writeFile(join(prefix, 'tandem.conf'), site);
    await writeFile(
      join(prefix, 'nginx.conf'),
      [
        // Workers run as the user nginx was started by (the directive only applies to root).
        ...(process.getuid?.() === 0 ? ['user root;'] : []),
        'worker_processes 1;',
        `pid ${join(prefix, 'nginx.pid')};`,
        'events { worker_connections 256; }',
        'http {',
        '  access_log off;',
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(prefix, 'temp', kind)};`),
        `  include ${join(prefix, 'tandem.conf')};`,
        '}',
      ].join('\n'),
    );
    const stderr: string[] = [];
    const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    const proxy = new NginxProxy(child, prefix, httpsPort, httpPort, stderr);
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`nginx exited with ${code}: ${stderr.join('')}`))));
    await Promise.race([exited, untilAccepting(httpsPort, 10_000)]);
    return proxy;
  }

  /** What nginx wrote to stderr (warnings and errors). */
  get errors(): string {
    return this.#stderr.join('');
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      const exited = new Promise((resolve) => this.#child.once('exit', resolve));
      this.#child.kill('SIGTERM');
      await exited;
    }
    await rm(this.#prefix, { recursive: true, force: true });
  }
}

/** Resolves once something accepts TCP connections on `port`; nginx has no "ready" line to wait for. */
async function untilAccepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await accepts(port))) {
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
