import { zValidator } from '@hono/zod-validator';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import { z } from 'zod';
import { checkDocumentName } from '../../common/documentName.js';
import type { DocumentInfo, DocumentStore } from '../../storage/DocumentStore.js';
import { createContentEditor } from '../content/createContentEditor.js';
import { createContentExporter } from '../content/createContentExporter.js';
import { ImportError, type ImportQueue } from '../content/createImportQueue.js';
import { DocumentTooLargeError } from '../rooms/Room.js';
import { ShuttingDownError, UnsavedChangeError, type RoomRegistry } from '../rooms/RoomRegistry.js';
import type { AppEnv, ErrorBody } from './AppEnv.js';
import { changeContentSchema, contentQuerySchema, type DocumentEntry } from './apiSchemas.js';
import { refuseChange, refuseRead } from './refuseAccess.js';
import { shuttingDown, storageUnavailable } from './unavailableAnswers.js';

export interface DocumentsRoutesOptions {
  registry: RoomRegistry;
  store: DocumentStore;
  logger: Logger;
  /** Converts Markdown and HTML off the event loop; shared with `POST /api/documents`. */
  imports: ImportQueue;
  /** Checks the caller's token (or, without authentication, the Host) and sets `grant`. */
  requireAccess: MiddlewareHandler<AppEnv>;
}

/**
 * Reading and changing one document over HTTP, mounted at `/api/documents`:
 * `GET /:documentName`, `GET /:documentName/content?format=…`, and `PUT` (replace) /
 * `POST` (append) `/:documentName/content`. Changes are made by the server in the
 * document's room, so connected editors see them arrive, and are in the log before the answer.
 */
export function documentsRoutes(options: DocumentsRoutesOptions): Hono<AppEnv> {
  const { registry, store, logger, imports, requireAccess } = options;
  const exporter = createContentExporter();
  const editor = createContentEditor();
  const routes = new Hono<AppEnv>();

  routes.get('/:documentName', requireAccess, async (c) => {
    const documentName = c.req.param('documentName');
    const refusal = refuseBadName(c, documentName) ?? refuseRead(c, documentName);
    if (refusal) return refusal;
    const info = await store.info(documentName);
    if (!info) return notFound(c, documentName);
    return c.json(documentEntry(info, registry));
  });

  routes.get('/:documentName/content', requireAccess, async (c) => {
    const documentName = c.req.param('documentName');
    const refusal = refuseBadName(c, documentName) ?? refuseRead(c, documentName);
    if (refusal) return refusal;
    const query = contentQuerySchema.safeParse({ format: c.req.query('format') });
    if (!query.success) return c.json<ErrorBody>({ error: { code: 'invalid-query', message: z.prettifyError(query.error), issues: query.error.issues } }, 400);
    let exported;
    try {
      exported = await registry.read(documentName, (room) => exporter.export(room.doc, query.data.format));
    } catch (error) {
      if (error instanceof ShuttingDownError) return shuttingDown(c);
      throw error;
    }
    if (!exported) return notFound(c, documentName);
    // Every Yjs update the server builds is backed by a plain ArrayBuffer.
    const body = typeof exported.body === 'string' ? exported.body : (exported.body as Uint8Array<ArrayBuffer>);
    // The content changes with every keystroke anywhere: never reuse a stored copy without asking.
    return c.body(body, 200, { 'Content-Type': exported.contentType, 'Cache-Control': 'no-cache' });
  });

  const changeBody = zValidator('json', changeContentSchema, (result, c) => {
    if (!result.success) return c.json<ErrorBody>({ error: { code: 'invalid-body', message: z.prettifyError(result.error), issues: result.error.issues } }, 400);
  });
  for (const [method, mode] of [['put', 'replace'], ['post', 'append']] as const) {
    routes[method]('/:documentName/content', requireAccess, changeBody, async (c) => {
      const documentName = c.req.param('documentName');
      const refusal = refuseBadName(c, documentName) ?? refuseChange(c, documentName);
      if (refusal) return refusal;
      const { content } = c.req.valid('json');
      let document;
      try {
        document = await imports.toDocument(content);
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        return importFailure(c, error);
      }
      let changed: { bytes: number } | null;
      try {
        changed = await registry.change(documentName, (doc) => editor[mode](doc, document));
      } catch (error) {
        if (error instanceof ShuttingDownError) return shuttingDown(c);
        // The edit is live (and its write is retried until it lands): an append repeated blindly would add it twice.
        if (error instanceof UnsavedChangeError) {
          logger.warn({ err: error, documentName }, 'API change applied but not yet saved');
          return storageUnavailable(c, 'the change is in the live document but could not be saved yet; it is saved once the store recovers: read the content before repeating it');
        }
        if (!(error instanceof DocumentTooLargeError)) throw error;
        return c.json<ErrorBody>({ error: { code: 'document-too-large', message: error.message } }, 413);
      }
      if (!changed) return notFound(c, documentName);
      logger.info({ documentName, format: content.format, bytes: changed.bytes }, mode === 'replace' ? 'document content replaced' : 'document content appended');
      return c.json({ name: documentName, size: changed.bytes });
    });
  }

  return routes;
}

/** One document as the API lists it; a loaded document's title and peers are live. */
export function documentEntry(info: DocumentInfo, registry: RoomRegistry): DocumentEntry {
  const room = registry.get(info.documentName);
  // A loaded document's title is live; a stored one's is from its last snapshot.
  const title = room && !room.destroyed ? room.title : (info.title ?? null);
  return {
    name: info.documentName,
    title,
    size: info.size,
    createdAt: info.createdAt.toISOString(),
    updatedAt: info.updatedAt.toISOString(),
    peers: room?.peers.size ?? 0,
    ...(info.damaged ? { damaged: info.damaged } : {}),
  };
}

/** The answer to content that could not be converted (`ImportQueue`). */
export function importFailure(c: Context<AppEnv>, error: ImportError): Response {
  if (error.code === 'shutting-down') return shuttingDown(c);
  if (error.code === 'import-busy') c.header('Retry-After', '5');
  const status = error.code === 'invalid-content' ? 400 : error.code === 'import-timeout' ? 422 : 503;
  return c.json<ErrorBody>({ error: { code: error.code, message: error.message } }, status);
}

function refuseBadName(c: Context<AppEnv>, documentName: string): Response | null {
  const check = checkDocumentName(documentName);
  return check.ok ? null : c.json<ErrorBody>({ error: { code: 'bad-document-name', message: check.reason } }, 400);
}

function notFound(c: Context<AppEnv>, documentName: string): Response {
  return c.json<ErrorBody>({ error: { code: 'not-found', message: `there is no document named "${documentName}"` } }, 404);
}
