import { ApiError } from './ApiError.js';

export interface ApiRequestOptions {
  /** Default `GET`. */
  method?: 'GET' | 'POST' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  /** Access token for a server that requires one, sent as `Authorization: Bearer`. */
  token?: string;
  signal?: AbortSignal;
}

/**
 * One call to the server's HTTP API: resolves with the JSON body (`null` for
 * an empty answer such as `204`), throws an `ApiError` with the server's
 * status, `error.code` and `error.message` on an HTTP error, and an `Error`
 * when a successful answer is not JSON.
 *
 * @example
 * await apiRequest('/api/documents', { method: 'POST', body: { name: 'notes' }, token });
 */
export async function apiRequest(path: string, options: ApiRequestOptions = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    headers,
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const fallback = `the server answered ${response.status} ${response.statusText}`.trim();
  const text = await response.text();
  if (text.length === 0) {
    if (!response.ok) throw new ApiError(response.status, null, fallback);
    return null;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // A proxy in front of the server may answer an error with its own HTML page.
    if (!response.ok) throw new ApiError(response.status, null, fallback);
    throw new Error(`${fallback} without JSON`, { cause: error });
  }
  if (!response.ok) {
    const { code, message } = readError(body);
    throw new ApiError(response.status, code, message ?? fallback);
  }
  return body;
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
