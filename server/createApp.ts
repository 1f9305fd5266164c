import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { createNodeWebSocket } from '@hono/node-ws';
import { Hono, type Context } from 'hono';
import type { WSContext } from 'hono/ws';
import type { Logger } from 'pino';
import { checkDocumentName } from '../common/documentName.js';
import { SAVED_STATE_QUERY_PARAMETER } from '../common/savedState.js';
import type { DocumentStore } from '../storage/DocumentStore.js';
import { CloseCode, closeReason } from './rooms/closeCodes.js';
import type { WebSocketLike } from './rooms/Peer.js';
import { PeerConnection } from './rooms/PeerConnection.js';
import type { RoomRegistry } from './rooms/RoomRegistry.js';

export interface AppOptions {
  registry: RoomRegistry;
  store: DocumentStore;
  logger: Logger;
  /** Directory of the built web app (`index.html`, `document.html`, `assets/`). */
  webDir: string;
  /** Frames larger than this close the connection with 1009. */
  maxMessageBytes: number;
}

/** JSON error body of every failed HTTP request: a stable `code` and a human `message`. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * The HTTP and WebSocket surface of the server. Only this module knows Hono.
 * Returns the app plus what the Node server needs to route WebSocket upgrades.
 */
export function createApp(options: AppOptions) {
  const { registry, store, logger, webDir } = options;
  const app = new Hono();
  const nodeWebSocket = createNodeWebSocket({ app });
  // ws checks this on every upgrade; larger frames close the socket with 1009.
  nodeWebSocket.wss.options.maxPayload = options.maxMessageBytes;
  let connectionCount = 0;

  app.onError((error, c) => {
    logger.error({ err: error, method: c.req.method, path: c.req.path }, 'request failed');
    return c.json<ErrorBody>({ error: { code: 'internal', message: 'internal server error' } }, 500);
  });
  app.notFound((c) => c.json<ErrorBody>({ error: { code: 'not-found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404));

  app.get('/healthz', (c) => c.json({ status: 'ok', loadedDocuments: registry.size, uptimeSeconds: Math.round(process.uptime()) }));

  app.get('/api/documents', async (c) => {
    const stored = await store.list();
    const documents = stored.map((info) => ({
      name: info.documentName,
      size: info.size,
      createdAt: info.createdAt.toISOString(),
      updatedAt: info.updatedAt.toISOString(),
      peers: registry.get(info.documentName)?.peers.size ?? 0,
      ...(info.damaged ? { damaged: info.damaged } : {}),
    }));
    return c.json({ documents });
  });

  app.get(
    '/ws/:documentName',
    async (c, next) => {
      // A plain HTTP request gets a JSON error; a WebSocket upgrade is accepted and then
      // closed with 4400 so the client learns the reason and stops retrying.
      const check = checkDocumentName(c.req.param('documentName'));
      if (!check.ok && c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return c.json<ErrorBody>({ error: { code: 'bad-document-name', message: check.reason } }, 400);
      }
      if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
        return c.json<ErrorBody>({ error: { code: 'upgrade-required', message: 'this endpoint speaks the y-websocket protocol over WebSocket' } }, 426);
      }
      await next();
    },
    nodeWebSocket.upgradeWebSocket((c) => {
      const documentName = c.req.param('documentName') ?? '';
      const check = checkDocumentName(documentName);
      const wantsSavedState = c.req.query(SAVED_STATE_QUERY_PARAMETER) === '1';
      connectionCount += 1;
      const id = `c${connectionCount}`;
      let connection: PeerConnection | null = null;
      return {
        onOpen: (_event, ws) => {
          if (!check.ok) {
            logger.info({ peer: id, reason: check.reason }, 'refusing WebSocket with a bad document name');
            ws.close(CloseCode.badRequest, closeReason(check.reason));
            return;
          }
          connection = new PeerConnection({
            id,
            documentName,
            socket: toWebSocketLike(ws),
            registry,
            logger,
            maxPendingBytes: options.maxMessageBytes,
            wantsSavedState,
          });
          void connection.start();
        },
        onMessage: (event) => {
          if (!connection) return;
          if (event.data instanceof ArrayBuffer) connection.receive(new Uint8Array(event.data));
          else connection.receiveText();
        },
        onClose: () => connection?.closed(),
        onError: (event) => {
          logger.warn({ peer: id, err: 'error' in event ? event.error : undefined }, 'WebSocket error');
          connection?.closed();
        },
      };
    }),
  );

  app.get('/', (c) => servePage(c, 'index.html'));
  app.get('/d/:documentName', (c) => {
    // A bad name still gets the page (with status 400): it shows the rule in the app's own error card.
    const check = checkDocumentName(c.req.param('documentName'));
    return servePage(c, 'document.html', check.ok ? 200 : 400);
  });
  app.get('/sw.js', async (c) => {
    // The service worker must always be revalidated, or browsers keep an old one for up to a day.
    const script = await readWebFile('sw.js');
    return c.body(script, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  });
  app.use('/assets/*', async (c, next) => {
    await next();
    // File names carry a content hash: a changed file gets a new name, so browsers may keep these forever.
    if (c.res.status === 200) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/assets/*', serveStatic({ root: webDir, precompressed: true }));

  /** The built app's small text files, read from disk once per app (they only change with a new build). */
  const webFiles = new Map<string, Promise<string>>();
  function readWebFile(name: string): Promise<string> {
    let file = webFiles.get(name);
    if (!file) {
      file = readFile(join(webDir, name), 'utf8');
      webFiles.set(name, file);
      // A missing file (app not built yet) is read again next time rather than remembered.
      file.catch(() => webFiles.delete(name));
    }
    return file;
  }

  async function servePage(c: Context, page: string, status: 200 | 400 = 200): Promise<Response> {
    try {
      // Pages name the current hashed assets: always revalidate them so a new deploy is picked up at once.
      c.header('Cache-Control', 'no-cache');
      return c.html(await readWebFile(page), status);
    } catch (error) {
      logger.error({ err: error, page }, 'web app page missing');
      return c.text('The web app is not built. Run `npm run build` (npm start does this for you).\n', 503);
    }
  }

  return { app, injectWebSocket: nodeWebSocket.injectWebSocket, wss: nodeWebSocket.wss };
}

/** Adapts Hono's WebSocket context to what rooms need; sending to a closing socket is a no-op. */
function toWebSocketLike(ws: WSContext): WebSocketLike {
  return {
    send: (frame) => {
      // Every frame the server builds is backed by a plain ArrayBuffer.
      if (ws.readyState === 1) ws.send(frame as Uint8Array<ArrayBuffer>);
    },
    close: (code, reason) => {
      if (ws.readyState === 0 || ws.readyState === 1) ws.close(code, reason);
    },
  };
}
