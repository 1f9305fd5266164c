import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as Y from 'yjs';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { checkDocumentName } from '../../common/documentName.js';
import type { JSONContent } from '@tiptap/core';
import { createContentExporter } from '../content/createContentExporter.js';
import { createContentImporter } from '../content/createContentImporter.js';
import { documentTitle } from '../rooms/documentTitle.js';
import { parseCommandLine } from './parseCommandLine.js';
import { loadReplaceTarget, planReplacement } from './replaceStoredContent.js';
import { DATA_DIR_OPTIONS_USAGE, resolveDataDir } from './resolveDataDir.js';
import { lockDataDirectory } from './lockDataDirectory.js';
import { UsageError } from './UsageError.js';

export const IMPORT_USAGE = `Usage: tandem import FILE --document NAME [options]
       tandem import FILE --document NAME --server URL [--token TOKEN]

Creates the document NAME from FILE (Markdown, HTML, TipTap JSON, or a Yjs update as written by
tandem export --format yjs).

Without --server it writes into the data directory, which no server may be running on (the import
takes the directory's lock). With --server it posts to a running server instead, which passes the
document on to everyone who has it open.

Options:
  --document NAME     the document to create (required)
  --format FORMAT     markdown|html|json|yjs (default: from FILE's extension .md .html .json .yjs)
  --replace           replace the document if it exists (default: refuse)
${DATA_DIR_OPTIONS_USAGE}
  --server URL        a running server to import through (yjs is not accepted over HTTP)
  --token TOKEN       access token for --server when it requires one (default TANDEM_TOKEN)
  --help              print this help`;

const IMPORT_FORMATS = ['markdown', 'html', 'json', 'yjs'] as const;
type ImportFormat = (typeof IMPORT_FORMATS)[number];

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
  '.json': 'json',
  '.yjs': 'yjs',
};

/** `tandem import`: returns the exit code (2 bad arguments, 1 failure). */
export async function runImportCommand(env: Record<string, string | undefined>, argv: string[]): Promise<number> {
  const line = parseCommandLine('import', IMPORT_USAGE, argv, {
    options: {
      document: { type: 'string' },
      format: { type: 'string' },
      replace: { type: 'boolean' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
    },
    positionals: { min: 1, max: 1, names: 'the FILE to import' },
  });
  if (line === null) {
    process.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  const file = line.positionals[0]!;
  const { values } = line;
  const problems: string[] = [];
  const documentName = values.document;
  if (documentName === undefined) problems.push('name the document to create with --document NAME');
  else {
    const check = checkDocumentName(documentName);
    if (!check.ok) problems.push(`--document ${JSON.stringify(documentName)}: ${check.reason}`);
  }
  const format = values.format ?? FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
  if (format === undefined) problems.push(`cannot tell the format of ${file} from its extension: give --format ${IMPORT_FORMATS.join('|')}`);
  else if (!isImportFormat(format)) problems.push(`--format ${JSON.stringify(format)}: expected one of ${IMPORT_FORMATS.join(', ')}`);
  let serverUrl: URL | null = null;
  if (values.server !== undefined) {
    serverUrl = URL.canParse(values.server) ? new URL(values.server) : null;
    if (!serverUrl || !/^https?:$/.test(serverUrl.protocol)) problems.push(`--server ${JSON.stringify(values.server)}: expected the server's http(s) URL, like http://127.0.0.1:1234`);
    if (format === 'yjs') problems.push('a yjs file cannot be imported over HTTP (the API takes markdown, html or json): stop the server and import without --server');
    if (values['data-dir'] !== undefined) problems.push('--data-dir and --server exclude each other: the server writes to its own data directory');
  } else if (values.token !== undefined) {
    problems.push('--token is only for --server');
  }
  if (problems.length > 0 || documentName === undefined || format === undefined || !isImportFormat(format)) throw new UsageError('import', problems, IMPORT_USAGE);

  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    process.stderr.write(`tandem import: cannot read ${file}: ${messageOf(error)}\n`);
    return 1;
  }
  if (serverUrl && format !== 'yjs') return importThroughServer({ serverUrl, token: values.token ?? env.TANDEM_TOKEN ?? null, documentName, format, text: bytes.toString('utf8'), file, replace: values.replace ?? false });

  let imported: ImportedDocument;
  try {
    imported = toDocument(format, bytes);
  } catch (error) {
    process.stderr.write(`tandem import: ${file} cannot be imported as ${format}: ${messageOf(error)}\n`);
    return 1;
  }
  const dataDir = await resolveDataDir('import', IMPORT_USAGE, env, values);
  const store = await lockDataDirectory(
    'import',
    dataDir,
    `, so the import cannot write to it.\nImport through the server instead:\n  tandem import ${file} --document ${documentName} --server http://HOST:PORT [--token TOKEN]`,
  );
  if (store === null) return 1;
  try {
    const target = await loadReplaceTarget(store, documentName);
    if (target.kind !== 'missing' && !values.replace) {
      process.stderr.write(`tandem import: document "${documentName}" already exists in ${dataDir}${target.kind === 'damaged' ? ' (damaged)' : ''}; add --replace to replace it\n`);
      return 1;
    }
    const plan = planReplacement(target, imported);
    if (plan.damaged !== null) process.stderr.write(`tandem import: replacing damaged document "${documentName}" (${plan.damaged})\n`);
    // Nothing readable to keep: the damaged files make way for the import.
    if (plan.deleteFirst) await store.delete(documentName);
    // One atomic snapshot: a crash leaves the old document or the new one, never neither.
    await store.writeSnapshot(documentName, plan.state, plan.title === null ? {} : { title: plan.title });
    process.stderr.write(`${target.kind === 'missing' ? 'created' : 'replaced'} "${documentName}" in ${dataDir} from ${file} (${format}, ${plan.state.byteLength} bytes)\n`);
    return 0;
  } finally {
    await store.close();
  }
}

/** An imported file: its content as one Yjs update and as checked TipTap JSON, and its title. */
interface ImportedDocument {
  state: Uint8Array;
  content: JSONContent;
  title: string | null;
}

/** The file as one Yjs update, checked as the server would check it, and its title. */
function toDocument(format: ImportFormat, bytes: Buffer): ImportedDocument {
  let update: Uint8Array;
  if (format === 'yjs') {
    update = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } else {
    const text = bytes.toString('utf8');
    update = createContentImporter().toUpdate(format === 'json' ? { format, value: parseJson(text) } : { format, value: text });
  }
  const doc = new Y.Doc({ gc: true });
  try {
    try {
      Y.applyUpdate(doc, update);
    } catch (error) {
      throw new Error(`not a Yjs update (${messageOf(error)})`, { cause: error });
    }
    if (doc.store.pendingStructs !== null || doc.store.pendingDs !== null) throw new Error('the Yjs update depends on changes it does not contain');
    const content = createContentExporter().toJSON(doc);
    createContentCodec().checkDocument(content);
    return { state: Y.encodeStateAsUpdate(doc), content, title: documentTitle(doc) };
  } finally {
    doc.destroy();
  }
}

async function importThroughServer(options: {
  serverUrl: URL;
  token: string | null;
  documentName: string;
  format: Exclude<ImportFormat, 'yjs'>;
  text: string;
  file: string;
  replace: boolean;
}): Promise<number> {
  const { serverUrl, token, documentName, format, file } = options;
  let value: unknown;
  try {
    value = format === 'json' ? parseJson(options.text) : options.text;
  } catch (error) {
    process.stderr.write(`tandem import: ${file} cannot be imported as json: ${messageOf(error)}\n`);
    return 1;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const base = serverUrl.href.replace(/\/+$/, '');
  const content = { format, value };
  let response = await request(`${base}/api/documents`, { method: 'POST', headers, body: JSON.stringify({ name: documentName, content }) });
  if (response === null) return 1;
  let verb = 'created';
  if (response.status === 409 && options.replace) {
    // The agreed API: PUT …/content replaces the whole content, live for everyone editing it.
    response = await request(`${base}/api/documents/${encodeURIComponent(documentName)}/content`, { method: 'PUT', headers, body: JSON.stringify({ content }) });
    if (response === null) return 1;
    verb = 'replaced';
  }
  if (response.ok) {
    process.stderr.write(`${verb} "${documentName}" on ${base} from ${file} (${format})\n`);
    return 0;
  }
  const body = await response.text();
  let message = body;
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string } };
    if (parsed.error?.message) message = `${parsed.error.message} (${parsed.error.code ?? response.status})`;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  const hint = response.status === 409 ? '; add --replace to replace it' : response.status === 401 ? '; give an access token with --token (or TANDEM_TOKEN)' : '';
  process.stderr.write(`tandem import: the server refused the import: HTTP ${response.status}: ${message}${hint}\n`);
  return 1;
}

async function request(url: string, init: RequestInit): Promise<Response | null> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    process.stderr.write(`tandem import: cannot reach ${url}: ${messageOf(error)}${cause}\n`);
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`not valid JSON (${messageOf(error)})`, { cause: error });
  }
}

function isImportFormat(format: string): format is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(format);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
