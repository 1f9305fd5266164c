import { describe, expect, it } from 'vitest';
import { explainRefusal } from '../../web/src/embed/explainRefusal.js';
import { readTandemEditorAttributes } from '../../web/src/embed/readTandemEditorAttributes.js';
import { webSocketUrlFor } from '../../web/src/embed/webSocketUrlFor.js';
import { readEmbedDocumentName } from '../../web/src/embedPage/readEmbedDocumentName.js';
import { readEmbedOptions } from '../../web/src/embedPage/readEmbedOptions.js';

const defaults = { server: 'https://docs.example.com', user: { name: 'Guest', color: '#00796b' } };

/** Reads `attributes` as a `<tandem-editor>` would (missing ones are `null`). */
function read(attributes: Record<string, string>) {
  return readTandemEditorAttributes((name) => attributes[name] ?? null, defaults);
}

describe('readTandemEditorAttributes', () => {
  it('needs only a document; the rest has defaults', () => {
    expect(read({ document: 'meeting-notes' })).toEqual({
      ok: true,
      settings: { serverOrigins: ['https://docs.example.com'], documentName: 'meeting-notes', user: defaults.user, editable: true, offlineStorage: true },
    });
  });

  it('reads every attribute', () => {
    const result = read({
      server: 'http://127.0.0.1:1234/',
      document: 'notes',
      'user-name': '  Ada  ',
      'user-color': '#abc',
      token: 'eyJ.x.y',
      readonly: '',
      placeholder: 'Write…',
      'offline-storage': 'off',
    });
    expect(result).toEqual({
      ok: true,
      settings: {
        serverOrigins: ['http://127.0.0.1:1234'],
        documentName: 'notes',
        user: { name: 'Ada', color: '#aabbcc' },
        token: 'eyJ.x.y',
        editable: false,
        placeholder: 'Write…',
        offlineStorage: false,
      },
    });
  });

  it('reads several servers, separated by spaces or commas, in order', () => {
    expect(read({ server: ' https://a.example.com,https://b.example.com/\n http://127.0.0.1:1234 , ', document: 'notes' })).toMatchObject({
      ok: true,
      settings: { serverOrigins: ['https://a.example.com', 'https://b.example.com', 'http://127.0.0.1:1234'] },
    });
    expect(read({ server: 'https://a.example.com ws://b.example.com', document: 'notes' })).toEqual({
      ok: false,
      problem: expect.stringMatching(/^server="https:\/\/a.example.com ws:\/\/b.example.com" lists "ws:\/\/b.example.com", which is not the address of a Tandem server/),
    });
    expect(read({ server: ', ,', document: 'notes' })).toEqual({ ok: false, problem: expect.stringMatching(/^server=", ," is not the address of a Tandem server/) });
  });

  it('treats empty attributes as missing and any readonly value as read-only', () => {
    const result = read({ document: 'notes', 'user-name': '   ', 'user-color': '', token: ' ', readonly: 'false' });
    expect(result).toMatchObject({ ok: true, settings: { user: defaults.user, editable: false } });
    expect(result.ok && 'token' in result.settings).toBe(false);
  });

  it('explains what is wrong, in words for the page author', () => {
    expect(read({})).toEqual({ ok: false, problem: expect.stringMatching(/^the document attribute is missing/) });
    expect(read({ document: '../etc/passwd' })).toEqual({ ok: false, problem: expect.stringMatching(/^document name "..\/etc\/passwd" is not allowed/) });
    expect(read({ document: 'notes', 'user-color': 'red' })).toEqual({ ok: false, problem: expect.stringMatching(/^user-color="red" is not a colour/) });
    expect(read({ document: 'notes', 'offline-storage': 'no' })).toEqual({ ok: false, problem: expect.stringMatching(/^offline-storage="no" is not allowed/) });
    for (const server of ['docs.example.com', 'ws://docs.example.com', 'https://docs.example.com/tandem', 'https://docs.example.com/?x=1', 'https://a:b@docs.example.com']) {
      expect(read({ server, document: 'notes' }), server).toEqual({ ok: false, problem: expect.stringMatching(/is not the address of a Tandem server/) });
    }
  });
});

describe('webSocketUrlFor', () => {
  it('is /ws on the same host, secure for https', () => {
    expect(webSocketUrlFor('https://docs.example.com')).toBe('wss://docs.example.com/ws');
    expect(webSocketUrlFor('http://127.0.0.1:1234')).toBe('ws://127.0.0.1:1234/ws');
  });
});

describe('readEmbedDocumentName (the iframe page URL)', () => {
  it('reads and decodes the name from /embed/<name>', () => {
    expect(readEmbedDocumentName('/embed/meeting-notes')).toEqual({ ok: true, documentName: 'meeting-notes' });
    expect(readEmbedDocumentName('/embed/Q3_plan.v2/')).toEqual({ ok: true, documentName: 'Q3_plan.v2' });
  });

  it('explains a bad address', () => {
    expect(readEmbedDocumentName('/embed/not%20allowed')).toMatchObject({ ok: false, reason: expect.stringMatching(/letters, digits/) });
    expect(readEmbedDocumentName('/embed/%E0%A4%A')).toMatchObject({ ok: false, reason: expect.stringMatching(/URL encoding/) });
    expect(readEmbedDocumentName('/d/notes')).toMatchObject({ ok: false, reason: expect.stringMatching(/not an embed address/) });
  });
});

/** An unsigned JWT with this payload: the page only reads tokens, the server verifies them. */
function token(payload: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.signature`;
}

describe('readEmbedOptions (the iframe page query)', () => {
  it('reads name, colour (with or without #), read-only and placeholder', () => {
    expect(readEmbedOptions('?name=Ada&color=1565c0&readonly=1&placeholder=Notes%E2%80%A6')).toEqual({
      user: { name: 'Ada', color: '#1565c0' },
      readOnly: true,
      placeholder: 'Notes…',
    });
    expect(readEmbedOptions('?color=%23abc')).toEqual({ user: { color: '#abc' }, readOnly: false });
    expect(readEmbedOptions('')).toEqual({ user: {}, readOnly: false });
  });

  it('lets an access token decide the name, colour and read-only', () => {
    const readToken = token({ documents: ['notes'], access: 'read', name: 'Bob', color: '#2e7d32' });
    expect(readEmbedOptions(`?token=${readToken}&name=Mallory&color=c62828`)).toEqual({
      token: readToken,
      user: { name: 'Bob', color: '#2e7d32' },
      readOnly: true,
    });
    const writeToken = token({ documents: ['notes'], access: 'write' });
    expect(readEmbedOptions(`?token=${writeToken}`)).toMatchObject({ user: { name: 'Guest' }, readOnly: false });
  });
});

describe('explainRefusal', () => {
  const context = { token: undefined, pageOrigin: 'https://blog.example', serverOrigin: 'https://docs.example.com' };

  it('tells the embedder which origin to allow', () => {
    const refusal = explainRefusal({ code: 4403, reason: 'pages from https://blog.example may not connect to this server', permanent: true }, context);
    expect(refusal).toEqual({ title: 'This page can’t connect to Tandem', message: expect.stringContaining('add https://blog.example to ALLOWED_ORIGINS'), tone: 'access' });
  });

  it('explains token problems as the app does', () => {
    expect(explainRefusal({ code: 4401, reason: 'access token required', permanent: true }, context)).toMatchObject({ title: 'You need an access link', tone: 'access' });
    const covered = explainRefusal({ code: 4403, reason: 'this access token does not cover document "x"', permanent: true }, { ...context, token: token({ documents: ['y'] }) });
    expect(covered).toMatchObject({ title: 'No access to this document', tone: 'access' });
  });

  it('passes on the server’s words for anything else', () => {
    expect(explainRefusal({ code: 4403, reason: 'this server does not answer to evil.example; set PUBLIC_URL to its name', permanent: true }, context)).toEqual({
      title: 'This document can’t be opened',
      message: 'This server does not answer to evil.example; set PUBLIC_URL to its name.',
      tone: 'error',
    });
    expect(explainRefusal({ code: 4404, reason: 'deleted', permanent: true }, context)).toMatchObject({ title: 'This document was deleted' });
  });
});
