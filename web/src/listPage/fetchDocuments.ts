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

/**
 * Loads the document list from the server. Throws an `Error` carrying the
 * server's message on an HTTP error, or on a response that is not the
 * expected shape.
 */
export async function fetchDocuments(signal?: AbortSignal): Promise<DocumentSummary[]> {
  const response = await fetch('/api/documents', { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  const body: unknown = await response.json().catch((error: unknown) => {
    throw new Error(`the server answered ${response.status} ${response.statusText} without JSON`, { cause: error });
  });
  if (!response.ok) throw new Error(errorMessage(body) ?? `the server answered ${response.status} ${response.statusText}`);
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

function errorMessage(body: unknown): string | null {
  if (!isRecord(body) || !isRecord(body['error'])) return null;
  const message = body['error']['message'];
  return typeof message === 'string' ? message : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
