import { z } from 'zod';
import { checkDocumentName, DOCUMENT_NAME_MAX_LENGTH, DOCUMENT_NAME_PATTERN, DOCUMENT_NAME_RULE } from '../../common/documentName.js';
import { DEFAULT_TOKEN_LIFETIME, grantRequestSchema, MAX_TOKEN_LIFETIME_SECONDS } from '../access/accessToken.js';
import { EXPORT_FORMATS } from '../content/createContentExporter.js';

/**
 * The shapes of the HTTP API: the routes validate with them and `openApiDocument` describes the API
 * from them (`z.toJSONSchema`), so the description cannot drift from what the server checks.
 * Refinements do not reach JSON Schema; `meta` says the same thing in JSON Schema's words.
 */

/** A document name (see `checkDocumentName`). */
export const documentNameSchema = z
  .string()
  .superRefine((name, context) => {
    const check = checkDocumentName(name);
    if (!check.ok) context.addIssue({ code: 'custom', message: check.reason });
  })
  .meta({ description: DOCUMENT_NAME_RULE, pattern: DOCUMENT_NAME_PATTERN.source, minLength: 1, maxLength: DOCUMENT_NAME_MAX_LENGTH, examples: ['meeting-notes'] });

/** Content sent to the server: Markdown, an HTML fragment or a TipTap JSON document. */
export const importedContentSchema = z
  .discriminatedUnion('format', [
    z.object({ format: z.literal('markdown'), value: z.string() }),
    z.object({ format: z.literal('html'), value: z.string() }),
    z.object({ format: z.literal('json'), value: z.looseObject({ type: z.literal('doc') }) }),
  ])
  .meta({ description: 'Converted on the server and fitted to the document schema; content that cannot be fitted is refused with 400 invalid-content.' });

/** Body of `POST /api/documents`. */
export const createDocumentSchema = z.object({
  name: documentNameSchema,
  content: importedContentSchema.optional(),
});

/** Body of `PUT` and `POST /api/documents/:documentName/content`. */
export const changeContentSchema = z.object({ content: importedContentSchema });

/** Query of `GET /api/documents/:documentName/content`. */
export const contentQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).default('json').meta({ description: 'json: TipTap JSON; html: an HTML fragment; markdown; text: plain text; yjs: the whole document as one Yjs update.' }),
});

/** One document, as the list and `GET /api/documents/:documentName` show it. */
export const documentEntrySchema = z.object({
  name: z.string(),
  title: z.string().nullable().meta({ description: 'The text of the first heading; null without one.' }),
  size: z.number().int().meta({ description: 'Bytes stored: snapshot plus log.' }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  peers: z.number().int().meta({ description: 'Editors connected now.' }),
  damaged: z.string().optional().meta({ description: 'Present when the stored file cannot be read: what is wrong with it.' }),
});
export type DocumentEntry = z.infer<typeof documentEntrySchema>;

export const documentListSchema = z.object({ documents: z.array(documentEntrySchema) });

/** Answer of `POST /api/documents`. */
export const createdDocumentSchema = z.object({ name: z.string(), url: z.string().meta({ examples: ['/d/meeting-notes'] }) });

/** Answer of `PUT` and `POST /api/documents/:documentName/content`. */
export const changedDocumentSchema = z.object({
  name: z.string(),
  size: z.number().int().meta({ description: 'The document encoded as one Yjs update, in bytes: what --max-document-bytes limits.' }),
});

/** Every failed request's body (`ErrorBody`). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.string().meta({ description: 'Stable, for programs: see the list in the API description.' }),
    message: z.string().meta({ description: 'For people; may change.' }),
    issues: z.array(z.unknown()).optional().meta({ description: 'With invalid-body and invalid-query: zod issues, each with the path of what is wrong.' }),
  }),
});

/** Body of `POST /api/tokens`. */
export const tokenRequestSchema = grantRequestSchema.extend({
  expiresIn: z
    .union([z.number().int().min(60).max(MAX_TOKEN_LIFETIME_SECONDS), z.string().regex(/^\d+\s*[a-z]+$/i, 'expected seconds or a span like 7d, 12h, 30m')])
    .default(DEFAULT_TOKEN_LIFETIME),
});

/** Answer of `POST /api/tokens`. */
export const tokenResponseSchema = grantRequestSchema.extend({
  token: z.string(),
  expiresAt: z.iso.datetime(),
  link: z.string().meta({ description: 'Opens the document with this token (the list page when the token covers several).' }),
});

/** Answer of `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal('ok'), loadedDocuments: z.number().int(), uptimeSeconds: z.number().int() });
