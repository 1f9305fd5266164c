import { apiRequest } from './apiRequest.js';

/** One row of the document list, as `GET /api/documents` describes it. */
export interface DocumentSummary {
  name: string;
  /** The text of its first heading, or `null` when it has none (or the server does not say). */
  title: string | null;
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
  const body = await apiRequest('/api/documents', options);
  const documents = isRecord(body) ? body['documents'] : undefined;
  if (!Array.isArray(documents)) throw new Error('the server sent an unexpected document list');
  return documents.map(readSummary);
}

function readSummary(value: unknown): DocumentSummary {
  if (!isRecord(value)) throw new Error('the server sent an unexpected document entry');
  const { name, title, size, createdAt, updatedAt, peers, damaged } = value;
  if (typeof name !== 'string' || typeof size !== 'number' || typeof peers !== 'number' || typeof createdAt !== 'string' || typeof updatedAt !== 'string') {
    throw new Error(`the server sent an unexpected document entry: ${JSON.stringify(value).slice(0, 200)}`);
  }
  return {
    name,
    // An older server sends no title; an empty one says nothing either.
    title: typeof title === 'string' && title.trim().length > 0 ? title.trim() : null,
    size,
    peers,
    createdAt: new Date(createdAt),
    updatedAt: new Date(updatedAt),
    ...(typeof damaged === 'string' ? { damaged } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
