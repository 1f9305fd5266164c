import { describe, expect, it } from 'vitest';
import { decodeFrameBatch, encodeFrameBatch } from '../../common/frameBatch.js';
import { transportNote } from '../../web/src/documentPage/transportNote.js';
import { closeForRefusal } from '../../web/src/transport/closeForRefusal.js';
import { httpBaseFor, httpRequestUrl } from '../../web/src/transport/httpBaseFor.js';
import { createTransportFailureMemory } from '../../web/src/transport/TransportFailureMemory.js';

describe('httpBaseFor (where the HTTP fallback of a y-websocket URL is)', () => {
  it('puts /http/ where /ws/ was, with the same host, prefix and query, http for ws and https for wss', () => {
    expect(httpBaseFor('ws://localhost:8080/ws/notes?saved=1')?.href).toBe('http://localhost:8080/http/notes?saved=1');
    expect(httpBaseFor('wss://docs.example.com/tandem/ws/notes?saved=1&token=a.b.c')?.href).toBe('https://docs.example.com/tandem/http/notes?saved=1&token=a.b.c');
    expect(httpBaseFor('wss://docs.example.com:8443/ws/notes')?.href).toBe('https://docs.example.com:8443/http/notes');
  });

  it('is null for a URL of another shape: no fallback Tandem knows of', () => {
    expect(httpBaseFor('wss://docs.example.com/collab/notes')).toBeNull();
    expect(httpBaseFor('wss://docs.example.com/ws/')).toBeNull();
    expect(httpBaseFor('wss://docs.example.com/notes')).toBeNull();
    expect(httpBaseFor('https://docs.example.com/ws/notes')).toBeNull();
    expect(httpBaseFor('not a url')).toBeNull();
  });
});

describe('httpRequestUrl', () => {
  const base = new URL('https://docs.example.com/http/notes?saved=1&token=abc');
  it('appends encoded path segments and adds query parameters to the base’s own', () => {
    expect(httpRequestUrl(base)).toBe('https://docs.example.com/http/notes?saved=1&token=abc');
    expect(httpRequestUrl(base, ['s1', 'poll'], { after: '7' })).toBe('https://docs.example.com/http/notes/s1/poll?saved=1&token=abc&after=7');
    expect(httpRequestUrl(base, ['a/b?c'])).toBe('https://docs.example.com/http/notes/a%2Fb%3Fc?saved=1&token=abc');
    // The base is left as it was.
    expect(base.href).toBe('https://docs.example.com/http/notes?saved=1&token=abc');
  });
});

describe('closeForRefusal (an HTTP refusal as the WebSocket close it stands for)', () => {
  const json = (status: number, error: object) => new Response(JSON.stringify({ error }), { status, headers: { 'content-type': 'application/json' } });

  it('reports the close code the server names, with its message', async () => {
    await expect(closeForRefusal(json(401, { code: 'unauthorized', message: 'token expired', closeCode: 4401 }), false)).resolves.toEqual({ code: 4401, reason: 'token expired' });
    await expect(closeForRefusal(json(410, { code: 'session-closed', message: 'document deleted', closeCode: 4404 }), true)).resolves.toEqual({ code: 4404, reason: 'document deleted' });
    await expect(closeForRefusal(json(429, { code: 'rate-limited', message: 'slow down', closeCode: 1008 }), true)).resolves.toEqual({ code: 1008, reason: 'slow down' });
  });

  it('makes a session the server no longer knows a lost connection, never a permanent close', async () => {
    const close = await closeForRefusal(json(404, { code: 'session-not-found', message: 'no such session', closeCode: 4404 }), true);
    expect(close.code).toBe(1006);
    expect(close.reason).toContain('no such session');
    // Creating a session is not on a session: a 404 there is the server's answer.
    await expect(closeForRefusal(json(404, { code: 'document-deleted', message: 'gone', closeCode: 4404 }), false)).resolves.toEqual({ code: 4404, reason: 'gone' });
  });

  it('makes an answer without the JSON error (a proxy’s page) a lost connection naming the status', async () => {
    await expect(closeForRefusal(new Response('<html>Bad gateway</html>', { status: 502 }), false)).resolves.toEqual({ code: 1006, reason: 'the server answered 502' });
    await expect(closeForRefusal(json(500, { code: 'internal', message: 'oops' }), false)).resolves.toEqual({ code: 1006, reason: 'the server answered 500: oops' });
    await expect(closeForRefusal(new Response('[1]', { status: 400 }), false)).resolves.toEqual({ code: 1006, reason: 'the server answered 400' });
  });
});

describe('TransportFailureMemory', () => {
  it('remembers a failure per origin and transport until it is forgotten or old', () => {
    let now = 0;
    const memory = createTransportFailureMemory({ forgetAfterMs: 1000, now: () => now });
    const origin = 'https://docs.example.com';
    expect(memory.failedRecently(origin, 'websocket')).toBe(false);
    memory.remember(origin, 'websocket');
    expect(memory.failedRecently(origin, 'websocket')).toBe(true);
    expect(memory.failedRecently(origin, 'sse')).toBe(false);
    expect(memory.failedRecently('https://other.example.com', 'websocket')).toBe(false);
    now = 999;
    expect(memory.failedRecently(origin, 'websocket')).toBe(true);
    // Remembering again starts the span over.
    memory.remember(origin, 'websocket');
    now = 1500;
    expect(memory.failedRecently(origin, 'websocket')).toBe(true);
    now = 1999;
    expect(memory.failedRecently(origin, 'websocket')).toBe(false);
    memory.remember(origin, 'sse');
    memory.forget(origin, 'sse');
    expect(memory.failedRecently(origin, 'sse')).toBe(false);
  });
});

describe('frame batches (the POST and poll bodies of the HTTP fallback)', () => {
  it('carry frames of any size, empty ones included, in order', () => {
    const frames = [Uint8Array.of(0, 1, 2), new Uint8Array(0), new Uint8Array(300).fill(7), Uint8Array.of(1)];
    const batch = encodeFrameBatch(frames);
    // A varUint length before each frame: 300 takes two bytes.
    expect(batch.byteLength).toBe(1 + 3 + 1 + 2 + 300 + 1 + 1);
    expect(decodeFrameBatch(batch)).toEqual(frames);
    expect(decodeFrameBatch(new Uint8Array(0))).toEqual([]);
  });

  it('refuse a truncated batch', () => {
    const batch = encodeFrameBatch([Uint8Array.of(1, 2, 3)]);
    expect(() => decodeFrameBatch(batch.subarray(0, batch.byteLength - 1))).toThrow(RangeError);
  });
});

describe('transportNote (what the status indicator adds on the HTTP fallback)', () => {
  it('says "HTTP fallback" and why while connected over HTTP, and nothing otherwise', () => {
    expect(transportNote('connected', 'http-sse')?.detail).toBe(' · HTTP fallback');
    expect(transportNote('connected', 'http-poll')?.description).toMatch(/WebSockets are blocked/);
    expect(transportNote('connected', 'websocket')).toBeNull();
    expect(transportNote('connected', null)).toBeNull();
    expect(transportNote('reconnecting', 'http-sse')).toBeNull();
  });
});
