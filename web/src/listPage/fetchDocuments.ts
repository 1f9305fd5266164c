import { ApiError } from './ApiError.js';

/** One row of the document list, as `GET /api/documents` describes it. */
export interface DocumentSummary {
  name: string;
  /** Stored size in bytes. */
  size: number;
  createdAt: Date;
  updatedAt: Date;
  /** People connected to it right now. */
  peers: number;
  /** Why the stored file could not be read, when it could not. */
  damaged?: string;
}

export interface FetchDocumentsOptions {
  signal?: AbortSignal;
  /** Access token for a server that requires one, sent as `Authorization: Bearer`; the list then holds only what it covers. */
  token?: string;
}

/**
 * Loads the document list from the server. Throws an `ApiError` (with the
 * server's status, code and message) on an HTTP error, and an `Error` on a
 * response that is not the expected shape.
 */
export async function fetchDocuments(options: FetchDocumentsOptions = {}): Promise<DocumentSummary[]> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch('/api/documents', { headers, ...(options.signal ? { signal: options.signal } : {}) });
  const body: unknown = await response.json().catch((error: unknown) => {
    if (!response.ok) throw new ApiError(response.status, null, `the server answered ${response.status} ${response.statusText}`);
    throw new Error(`the server answered ${response.status} ${response.statusText} without JSON`, { cause: error });
  });
  if (!response.ok) {
    const { code, message } = readError(body);
    throw new ApiError(response.status, code, message ?? `the server answered ${response.status} ${response.statusText}`);
  }
  const documents = isRecord(body) ? body['documents'] : undefined;
  if (!Array.isArray(documents)) throw new Error('the server sent an unexpected document list');
  return documents.map(readSummary);
}

function readSummary(value: unknown): DocumentSummary {
  if (!isRecord(value)) throw new Error('the server sent an unexpected document entry');
  const { name, size, createdAt, updatedAt, peers, damaged } = value;
  if (typeof name !== 'string' || typeof size !== 'number' || typeof peers !== 'number' || typeof createdAt !== 'string' || typeof updatedAt !== 'string') {
    throw new Error(`the server sent an unexpected document entry: ${JSON.stringify(value).slice(0, 200)}`);
  }
  return {
    name,
    size,
    peers,
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
    ...(typeof damaged === 'string' ? { damaged } : {}),
  };
}

/** The `{ "error": { "code", "message" } }` body of an HTTP error, as far as it is there. */
function readError(body: unknown): { code: string | null; message: string | null } {
  if (!isRecord(body) || !isRecord(body['error'])) return { code: null, message: null };
  const { code, message } = body['error'];
  return { code: typeof code === 'string' ? code : null, message: typeof message === 'string' ? message : null };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
