import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The files this server hands out, by extension; anything else (this script, say) is a 404. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const EXAMPLES_DIR = fileURLToPath(new URL('.', import.meta.url));

export interface ServeExamplesOptions {
  /** TCP port; `0` (the default) picks a free one. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Directory to serve. Default: this `examples/` directory. */
  root?: string;
}

export interface ExamplesServer {
  /** Where it listens, e.g. `http://127.0.0.1:8080` (no trailing slash): the origin to allow on the Tandem server. */
  url: string;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * A tiny static file server for the examples, so they are served from an
 * origin of their own, as a page embedding Tandem on another site would be.
 * `/` is `embed.html`. Paths cannot leave the directory.
 *
 * @example
 * const examples = await serveExamples({ port: 8080 });
 * // start Tandem with --allowed-origins ${examples.url}, then open `${examples.url}/embed.html`
 * await examples.close();
 */
export async function serveExamples(options: ServeExamplesOptions = {}): Promise<ExamplesServer> {
  const root = resolve(options.root ?? EXAMPLES_DIR);
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => {
    serveFile(root, request, response).catch((error: unknown) => {
      console.error(`examples: ${request.method} ${request.url} failed`, error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Internal error\n');
    });
  });
  await new Promise<void>((resolveListening, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListening();
    });
  });
  const { port } = server.address() as AddressInfo;
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${hostInUrl}:${port}`,
    close: () =>
      new Promise<void>((resolveClosed, reject) => {
        server.close((error) => (error ? reject(error) : resolveClosed()));
        // Browsers keep connections alive; without this close() would wait for them.
        server.closeAllConnections();
      }),
  };
}

async function serveFile(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
    return;
  }
  const path = filePath(root, request.url ?? '/');
  const contentType = path && CONTENT_TYPES[extname(path)];
  if (!path || !contentType) {
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR') throw error;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    return;
  }
  // Examples change while you edit them: never serve a stale copy.
  response.writeHead(200, { 'content-type': contentType, 'content-length': body.byteLength, 'cache-control': 'no-cache' });
  response.end(request.method === 'HEAD' ? undefined : body);
}

/** The file a request path names inside `root`, or `null` for a path that is malformed, hidden or outside it. */
function filePath(root: string, url: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://examples.invalid').pathname);
  } catch (error) {
    if (error instanceof URIError) return null;
    throw error;
  }
  if (pathname === '/') pathname = '/embed.html';
  // No NUL bytes, no dot files or `..` segments; and, whatever the platform's separators, nothing outside root.
  if (pathname.includes('\0') || pathname.split(/[/\\]/).some((segment) => segment.startsWith('.'))) return null;
  const path = resolve(join(root, pathname));
  return path.startsWith(root + sep) ? path : null;
}

/** `tsx examples/serveExamples.ts`: serves the examples on PORT (default 8080) and says how to start Tandem for them. */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 8080);
  const examples = await serveExamples({ port });
  console.log(`Examples: ${examples.url}/embed.html`);
  console.log('Start Tandem so it accepts editors on that origin (in another terminal, from the repository root):');
  console.log(`  npm start -- --allowed-origins ${examples.url}`);
  console.log(`For a Tandem server elsewhere than http://127.0.0.1:1234, say which: ${examples.url}/embed.html?server=https://docs.example.com`);
  const stop = () => {
    examples.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('examples: could not stop cleanly', error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
