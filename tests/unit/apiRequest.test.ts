import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../web/src/listPage/ApiError.js';
import { apiRequest } from '../../web/src/listPage/apiRequest.js';

/** Answers every fetch with `response`, recording the requests. */
function serverAnswering(response: () => Response): { url: string; init: RequestInit }[] {
  const requests: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    requests.push({ url, init });
    return response();
  });
  return requests;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('apiRequest (the list page’s calls to the HTTP API)', () => {
  it('sends JSON with the token and resolves with the JSON answer', async () => {
    const requests = serverAnswering(() => Response.json({ name: 'notes', url: '/d/notes' }, { status: 201 }));
    await expect(apiRequest('/api/documents', { method: 'POST', body: { name: 'notes' }, token: 'eyJ.x.y' })).resolves.toEqual({ name: 'notes', url: '/d/notes' });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.init).toMatchObject({
      method: 'POST',
      body: '{"name":"notes"}',
      headers: { accept: 'application/json', authorization: 'Bearer eyJ.x.y', 'content-type': 'application/json' },
    });
  });

  it('resolves with null for an empty answer (204)', async () => {
    serverAnswering(() => new Response(null, { status: 204 }));
    await expect(apiRequest('/api/documents/notes', { method: 'DELETE' })).resolves.toBeNull();
  });

  it('turns an error answer into an ApiError with the server’s code and message', async () => {
    serverAnswering(() => Response.json({ error: { code: 'document-exists', message: 'a document named "notes" already exists' } }, { status: 409 }));
    const error = await apiRequest('/api/documents', { method: 'POST', body: {} }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: 'document-exists', message: 'a document named "notes" already exists' });
  });

  it('reports an error page that is not JSON (a proxy’s) by its status, and a successful answer that is not JSON as an Error', async () => {
    serverAnswering(() => new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(apiRequest('/api/documents')).rejects.toMatchObject({ status: 502, code: null, message: 'the server answered 502 Bad Gateway' });
    serverAnswering(() => new Response('<html>hello</html>', { status: 200, statusText: 'OK' }));
    const error = await apiRequest('/api/documents').catch((reason: unknown) => reason);
    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'the server answered 200 OK without JSON' });
  });
});
