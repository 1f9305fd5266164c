import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { statusText } from '../../web/src/documentPage/statusText.js';
import { isStateSaved } from '../../web/src/editor/isStateSaved.js';

describe('isStateSaved (is everything in this document on the server’s disk?)', () => {
  it('is true only when the saved state covers every client’s clock', () => {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'hello');
    const local = Y.decodeStateVector(Y.encodeStateVector(doc));
    expect(isStateSaved(local, local)).toBe(true);
    expect(isStateSaved(local, new Map([[doc.clientID, 5], [42, 9]]))).toBe(true);
    expect(isStateSaved(local, new Map([[doc.clientID, 4]]))).toBe(false);
    expect(isStateSaved(local, new Map())).toBe(false);
    // Changes from another session (restored from IndexedDB) count too.
    expect(isStateSaved(new Map([[doc.clientID, 5], [7, 1]]), new Map([[doc.clientID, 5]]))).toBe(false);
    expect(isStateSaved(new Map(), new Map())).toBe(true);
  });
});

describe('statusText (what the status pill says)', () => {
  it('says Saved only when connected and everything is on disk', () => {
    expect(statusText('connected', 'saved').label).toBe('Saved');
    expect(statusText('connected', 'saving').label).toBe('Saving…');
    for (const connection of ['reconnecting', 'offline'] as const) {
      const text = statusText(connection, 'saved');
      expect(`${text.label}${text.detail}`).toBe('Offline – changes kept on this device');
    }
    expect(statusText('connecting', 'offline').label).toBe('Connecting…');
  });
});

describe('deleteSetCovers (are these deletions on the server’s disk?)', () => {
  function deletions(text: string, deleteFrom: number, deleteLength: number) {
    const doc = new Y.Doc();
    doc.getText('t').insert(0, text);
    let deleteSet: ReturnType<typeof Y.createDeleteSet> | null = null;
    doc.on('update', (_update: Uint8Array, _origin: unknown, _doc: Y.Doc, transaction: Y.Transaction) => {
      deleteSet = transaction.deleteSet;
    });
    doc.getText('t').delete(deleteFrom, deleteLength);
    return { doc, deleteSet: deleteSet! };
  }

  it('is true when the outer set holds every deleted range, joined or not', async () => {
    const { deleteSetCovers } = await import('../../web/src/editor/deleteSetCovers.js');
    const { doc, deleteSet } = deletions('hello world', 2, 5);
    const everything = Y.createDeleteSetFromStructStore(doc.store);
    expect(deleteSetCovers(everything, deleteSet)).toBe(true);
    expect(deleteSetCovers(Y.createDeleteSet(), deleteSet)).toBe(false);
    // Two adjacent ranges on the server cover one range here.
    const client = doc.clientID;
    const split = Y.createDeleteSet();
    split.clients.set(client, [{ clock: 5, len: 2 }, { clock: 2, len: 3 }] as never);
    expect(deleteSetCovers(split, deleteSet)).toBe(true);
    const short = Y.createDeleteSet();
    short.clients.set(client, [{ clock: 2, len: 4 }] as never);
    expect(deleteSetCovers(short, deleteSet)).toBe(false);
  });
});
