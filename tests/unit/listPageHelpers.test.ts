import { describe, expect, it } from 'vitest';
import { checkDocumentName } from '../../common/documentName.js';
import { ApiError } from '../../web/src/listPage/ApiError.js';
import type { DocumentContent } from '../../web/src/listPage/createDocument.js';
import { documentNameFromFileName } from '../../web/src/listPage/documentNameFromFileName.js';
import { importFile } from '../../web/src/listPage/importFile.js';
import { importFormat } from '../../web/src/listPage/importFormat.js';
import { matchesSearch } from '../../web/src/listPage/matchesSearch.js';
import { nextFreeName } from '../../web/src/listPage/nextFreeName.js';

describe('importFormat (which files the list page imports)', () => {
  it('knows Markdown and HTML by their endings, in any case', () => {
    expect(importFormat('notes.md')).toBe('markdown');
    expect(importFormat('Notes.MARKDOWN')).toBe('markdown');
    expect(importFormat('page.html')).toBe('html');
    expect(importFormat('PAGE.HTM')).toBe('html');
  });

  it('refuses everything else', () => {
    for (const name of ['photo.png', 'notes.md.txt', 'md', 'README', 'archive.tar.gz', '']) expect(importFormat(name), name).toBeNull();
  });
});

describe('documentNameFromFileName', () => {
  it('makes a readable name that passes the naming rule', () => {
    expect(documentNameFromFileName('Meeting Notes (Q3).md')).toBe('meeting-notes-q3');
    expect(documentNameFromFileName('Café déjà vu.html')).toBe('cafe-deja-vu');
    expect(documentNameFromFileName('release_v2.1.md')).toBe('release_v2.1');
    expect(documentNameFromFileName('--draft--.md')).toBe('draft');
  });

  it('falls back to "imported" when nothing of the name is left', () => {
    expect(documentNameFromFileName('.md')).toBe('imported');
    expect(documentNameFromFileName('日本語.md')).toBe('imported');
    expect(documentNameFromFileName('!!!.html')).toBe('imported');
  });

  it('always passes checkDocumentName and leaves room for a "-2" suffix', () => {
    const names = ['a'.repeat(300) + '.md', '  spaced  out  .md', '.hidden.md', 'x.y.z.html', 'ÆØÅ.md', '🙂 smile.md', 'a/b\\c.md'];
    for (const fileName of names) {
      const name = documentNameFromFileName(fileName);
      expect(checkDocumentName(name), `${fileName} → ${name}`).toEqual({ ok: true });
      expect(checkDocumentName(`${name}-99`), `${fileName} → ${name}-99`).toEqual({ ok: true });
    }
  });
});

describe('nextFreeName', () => {
  it('keeps a free name and numbers a taken one', () => {
    const taken = new Set(['notes', 'notes-2']);
    expect(nextFreeName('plan', (name) => taken.has(name))).toBe('plan');
    expect(nextFreeName('notes', (name) => taken.has(name))).toBe('notes-3');
  });
});

describe('matchesSearch', () => {
  const document = { name: 'q3-plan', title: 'Café roadmap' };

  it('matches every word against the name and title, ignoring case and accents', () => {
    expect(matchesSearch('', document)).toBe(true);
    expect(matchesSearch('Q3', document)).toBe(true);
    expect(matchesSearch('cafe', document)).toBe(true);
    expect(matchesSearch('ROADMAP q3', document)).toBe(true);
    expect(matchesSearch('roadmap q4', document)).toBe(false);
    expect(matchesSearch('cafe', { name: 'q3-plan', title: null })).toBe(false);
  });
});

describe('importFile', () => {
  const file = (name: string, text = '# Hello\n') => ({ name, text: async () => text });

  it('creates a document named after the file, with its text and format', async () => {
    const created: [string, DocumentContent][] = [];
    const name = await importFile(file('Team Notes.md'), {
      taken: (candidate) => candidate === 'team-notes',
      create: async (documentName, content) => {
        created.push([documentName, content]);
      },
    });
    expect(name).toBe('team-notes-2');
    expect(created).toEqual([['team-notes-2', { format: 'markdown', value: '# Hello\n' }]]);
  });

  it('tries the next name when the server says the name was just taken', async () => {
    const tried: string[] = [];
    const name = await importFile(file('page.html', '<p>x</p>'), {
      taken: () => false,
      create: async (documentName) => {
        tried.push(documentName);
        if (tried.length < 3) throw new ApiError(409, 'document-exists', `a document named "${documentName}" already exists`);
      },
    });
    expect(tried).toEqual(['page', 'page-2', 'page-3']);
    expect(name).toBe('page-3');
  });

  it('puts the access link’s prefix in front of a name it does not cover', async () => {
    const coverage = { covers: (name: string) => name.startsWith('team-'), prefix: 'team-', description: 'names starting with “team-”' };
    await expect(importFile(file('notes.md'), { taken: () => false, create: async () => undefined, coverage })).resolves.toBe('team-notes');
    const named = { covers: (name: string) => name === 'notes', prefix: null, description: '“notes”' };
    await expect(importFile(file('other.md'), { taken: () => false, create: async () => undefined, coverage: named })).rejects.toThrow(
      'Your access link does not let you create a document named after this file. It covers “notes”.',
    );
  });

  it('explains what went wrong in words for the visitor, keeping the server’s error as the cause', async () => {
    const failing = (error: Error) => ({ taken: () => false, create: async () => Promise.reject(error) });
    await expect(importFile(file('photo.png'), failing(new Error('unused')))).rejects.toThrow(/not a Markdown or HTML file/);
    const tooLarge = new ApiError(413, 'document-too-large', 'the document would be 9 MB, over the limit of 8 MB');
    await expect(importFile(file('big.md'), failing(tooLarge))).rejects.toMatchObject({
      message: '“big.md” is too large for this server: The document would be 9 MB, over the limit of 8 MB.',
      cause: tooLarge,
    });
    await expect(importFile(file('bad.html'), failing(new ApiError(400, 'invalid-content', 'content is not valid')))).rejects.toThrow(
      '“bad.html” could not be imported: Content is not valid.',
    );
    await expect(importFile(file('a.md'), failing(new ApiError(409, 'document-exists', 'exists')))).rejects.toThrow(/rename the file/);
    await expect(importFile(file('a.md'), failing(new TypeError('Failed to fetch')))).rejects.toThrow('“a.md” could not be imported: the server could not be reached.');
  });
});
