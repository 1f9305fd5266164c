import { z } from 'zod';
import {
  changeContentSchema,
  changedDocumentSchema,
  contentQuerySchema,
  createDocumentSchema,
  createdDocumentSchema,
  documentEntrySchema,
  documentListSchema,
  documentNameSchema,
  errorBodySchema,
  healthSchema,
  tokenRequestSchema,
  tokenResponseSchema,
} from './apiSchemas.js';

/** The version of the API this description describes (not the server's package version). */
const API_VERSION = '1.0.0';

/** Every `code` an error body can carry, with its status and meaning: the API's stable vocabulary. */
export const ERROR_CODES = {
  'invalid-body': [400, 'The JSON body is missing, malformed or does not match the schema; `issues` says where.'],
  'invalid-query': [400, 'A query parameter is not one of the allowed values; `issues` says which.'],
  'bad-document-name': [400, 'The document name in the path breaks the naming rule.'],
  'invalid-content': [400, 'The content cannot be fitted to the document schema.'],
  unauthorized: [401, 'Authentication is on and the token (or admin key) is missing or wrong.'],
  'token-expired': [401, 'The access token has expired.'],
  forbidden: [403, 'The token is read-only, or does not cover the document.'],
  'forbidden-origin': [403, 'A non-GET request from a page whose origin is not allowed.'],
  'unknown-host': [403, 'Without authentication, the server only answers to its own names (set PUBLIC_URL).'],
  'not-found': [404, 'No such document (or route).'],
  'not-enabled': [404, 'Minting tokens over HTTP is off (no ADMIN_KEY or AUTH_SECRET).'],
  'document-exists': [409, 'A document of that name already exists.'],
  'body-too-large': [413, 'The request body is over its limit (1 MiB for content, 64 KiB otherwise).'],
  'document-too-large': [413, 'The change would grow the document past --max-document-bytes; nothing was changed.'],
  'import-timeout': [422, 'Converting the content took longer than 30 s.'],
  'import-busy': [503, 'Too many conversions are waiting; retry after Retry-After seconds.'],
  'rate-limited': [429, 'Too many WebSocket connections from this address in the last minute (answered to `/ws` upgrades).'],
  'shutting-down': [503, 'The server is shutting down; retry after Retry-After seconds.'],
  'storage-unavailable': [503, 'The document store refused a read or write (disk full or unwritable); retry after Retry-After seconds. A change answered with it is already live and is saved once the store recovers: read the content before repeating an append.'],
  'document-damaged': [500, 'The stored document cannot be read; the operator can recover it (`tandem check`, README "Recovering a document").'],
  internal: [500, 'A bug; the server log has the details.'],
} as const satisfies Record<string, readonly [number, string]>;
export type ErrorCode = keyof typeof ERROR_CODES;

type Schema = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, which OpenAPI 3.1 uses) to embed: without its own `$schema`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Schema;
  return rest;
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

function json(description: string, schema: Schema) {
  return { description, content: { 'application/json': { schema } } };
}

/** Error answers, each listing the codes it can carry. */
function errors(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(ERROR_CODES[code][0], [...(byStatus.get(ERROR_CODES[code][0]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => [
      String(status),
      {
        description: statusCodes.map((code) => `\`${code}\`: ${ERROR_CODES[code][1]}`).join(' '),
        ...(status === 503 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } } : {}),
        content: { 'application/json': { schema: ref('ErrorBody') } },
      },
    ]),
  );
}

const documentNameParameter = { name: 'documentName', in: 'path', required: true, schema: jsonSchema(documentNameSchema, 'input') };
/** With authentication on (AUTH_SECRET), a token in the header or the query; without, none (`{}`). */
const tokenSecurity = [{ bearerToken: [] }, { queryToken: [] }, {}];
/** While draining, every route but the monitoring ones answers 503 shutting-down; any route that touches a document can meet a failing store. */
const readErrors = ['unauthorized', 'token-expired', 'forbidden', 'unknown-host', 'shutting-down', 'storage-unavailable', 'document-damaged'] as const;
const changeErrors = [...readErrors, 'forbidden-origin'] as const;
const contentErrors = ['invalid-content', 'body-too-large', 'document-too-large', 'import-timeout', 'import-busy'] as const;

/**
 * The OpenAPI 3.1 description of the HTTP API (served at `/api/openapi.json`),
 * built from the zod schemas the routes validate with.
 *
 * @example
 * app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
 */
export function openApiDocument(): Record<string, unknown> {
  const changeContent = (summary: string, description: string) => ({
    summary,
    description,
    security: tokenSecurity,
    parameters: [documentNameParameter],
    requestBody: { required: true, content: { 'application/json': { schema: ref('ChangeContent') } } },
    responses: {
      '200': json('Changed, in the log (durable), and sent to the connected editors.', ref('ChangedDocument')),
      ...errors('invalid-body', 'bad-document-name', 'not-found', ...changeErrors, ...contentErrors),
    },
  });
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem',
      version: API_VERSION,
      description: [
        'Self-hosted collaborative documents. Editors connect over WebSocket (y-websocket protocol) at `/ws/{documentName}`; this API lists, creates, reads, changes and deletes documents.',
        'With authentication on (AUTH_SECRET), `/api/documents` routes need an access token (`Authorization: Bearer …` or `?token=…`): reading needs one covering the document, changing a `write` one. Without it, the server only answers to its own host names.',
        'Every error is JSON, `{"error":{"code","message"}}`, with one of these stable codes:',
        ...Object.entries(ERROR_CODES).map(([code, [status, meaning]]) => `- \`${code}\` (${status}): ${meaning}`),
      ].join('\n\n'),
    },
    tags: [{ name: 'documents' }, { name: 'tokens' }, { name: 'operations' }],
    paths: {
      '/api/documents': {
        get: {
          tags: ['documents'],
          summary: 'List documents',
          description: 'With authentication on, only the documents the token covers.',
          security: tokenSecurity,
          responses: { '200': json('The documents, sorted by name.', ref('DocumentList')), ...errors(...readErrors) },
        },
        post: {
          tags: ['documents'],
          summary: 'Create a document, optionally with content',
          security: tokenSecurity,
          requestBody: { required: true, content: { 'application/json': { schema: ref('CreateDocument') } } },
          responses: {
            '201': json('Created, with its content on disk.', ref('CreatedDocument')),
            ...errors('invalid-body', 'document-exists', ...changeErrors, ...contentErrors),
          },
        },
      },
      '/api/documents/{documentName}': {
        get: {
          tags: ['documents'],
          summary: 'One document, as the list shows it',
          security: tokenSecurity,
          parameters: [documentNameParameter],
          responses: { '200': json('The document.', ref('DocumentEntry')), ...errors('bad-document-name', 'not-found', ...readErrors) },
        },
        delete: {
          tags: ['documents'],
          summary: 'Delete a document',
          description: 'Its editors are closed with WebSocket code 4404; its files are removed.',
          security: tokenSecurity,
          parameters: [documentNameParameter],
          responses: { '204': { description: 'Deleted.' }, ...errors('bad-document-name', 'not-found', ...changeErrors) },
        },
      },
      '/api/documents/{documentName}/content': {
        get: {
          tags: ['documents'],
          summary: 'Read the content',
          description: 'The live content (what connected editors have, not only what was last saved). A stored document is loaded for the moment; reading never creates one.',
          security: tokenSecurity,
          parameters: [documentNameParameter, { name: 'format', in: 'query', required: false, schema: jsonSchema(contentQuerySchema.shape.format, 'input') }],
          responses: {
            '200': {
              description: 'The content in the requested format.',
              content: {
                'application/json': { schema: { type: 'object', description: 'TipTap JSON (`format=json`).', properties: { type: { const: 'doc' } }, required: ['type'] } },
                'text/html': { schema: { type: 'string', description: 'An HTML fragment (`format=html`).' } },
                'text/markdown': { schema: { type: 'string', description: '`format=markdown`' } },
                'text/plain': { schema: { type: 'string', description: 'Plain text, blocks separated by a blank line (`format=text`).' } },
                'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream', description: 'The whole document as one Yjs update, `Y.encodeStateAsUpdate` (`format=yjs`).' } },
              },
            },
            ...errors('invalid-query', 'bad-document-name', 'not-found', ...readErrors),
          },
        },
        put: { tags: ['documents'], ...changeContent('Replace the content', 'Replaces the whole content as one change that connected editors receive live. Only what differs is changed, so blocks the new content keeps (and the carets in them) stay as they are.') },
        post: { tags: ['documents'], ...changeContent('Append to the content', 'Adds the content after the existing content, as one change connected editors receive live. A blank document gets it in place of its empty paragraph.') },
      },
      '/api/tokens': {
        post: {
          tags: ['tokens'],
          summary: 'Mint an access token',
          description: 'Needs ADMIN_KEY and AUTH_SECRET; otherwise answers 404 not-enabled.',
          security: [{ adminKey: [] }],
          requestBody: { required: true, content: { 'application/json': { schema: ref('TokenRequest') } } },
          responses: { '201': json('The token and a link that opens the document with it.', ref('TokenResponse')), ...errors('invalid-body', 'unauthorized', 'not-enabled', 'forbidden-origin', 'body-too-large', 'shutting-down') },
        },
      },
      '/api/openapi.json': {
        get: { tags: ['operations'], summary: 'This description', security: [{}], responses: { '200': json('OpenAPI 3.1.', { type: 'object' }) } },
      },
      '/healthz': {
        get: { tags: ['operations'], summary: 'Liveness', security: [{}], responses: { '200': json('The process is up and serving.', ref('Health')) } },
      },
      '/readyz': {
        get: {
          tags: ['operations'],
          summary: 'Readiness',
          description: 'Whether the server should receive traffic: the store is writable and it is not shutting down.',
          security: [{}],
          responses: {
            '200': json('Ready. With REDIS_URL, `redis` says whether this instance is linked to the others (`status` is `degraded` while it is not: it still serves its own editors and saves everything).', {
              type: 'object',
              required: ['status'],
              properties: { status: { type: 'string', enum: ['ready', 'degraded'] }, redis: { type: 'string', enum: ['connected', 'unreachable'] } },
            }),
            '503': json('Not ready (shutting down, or the store is not writable or reachable).', { type: 'object' }),
          },
        },
      },
      '/metrics': {
        get: {
          tags: ['operations'],
          summary: 'Prometheus metrics',
          description: 'Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.',
          security: [{ metricsToken: [] }, {}],
          responses: {
            '200': { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } },
            '401': { description: 'METRICS_TOKEN is set and the request did not carry it.' },
          },
        },
      },
    },
    components: {
      schemas: {
        ErrorBody: jsonSchema(errorBodySchema, 'output'),
        DocumentEntry: jsonSchema(documentEntrySchema, 'output'),
        DocumentList: jsonSchema(documentListSchema, 'output'),
        CreateDocument: jsonSchema(createDocumentSchema, 'input'),
        CreatedDocument: jsonSchema(createdDocumentSchema, 'output'),
        ChangeContent: jsonSchema(changeContentSchema, 'input'),
        ChangedDocument: jsonSchema(changedDocumentSchema, 'output'),
        TokenRequest: jsonSchema(tokenRequestSchema, 'input'),
        TokenResponse: jsonSchema(tokenResponseSchema, 'output'),
        Health: jsonSchema(healthSchema, 'output'),
      },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token (`tandem token`, or POST /api/tokens); needed when AUTH_SECRET is set.' },
        queryToken: { type: 'apiKey', in: 'query', name: 'token', description: 'The same access token as a query parameter, as share links carry it.' },
        adminKey: { type: 'http', scheme: 'bearer', description: 'The ADMIN_KEY.' },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'The METRICS_TOKEN.' },
      },
    },
  };
}
