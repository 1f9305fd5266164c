import { describe, expect, it } from 'vitest';
import { checkDocumentName, DOCUMENT_NAME_MAX_LENGTH } from '../../common/documentName.js';
import { documentFileName, documentNameFromFileName } from '../../storage/documentFileName.js';

describe('document names', () => {
  it.each(['a', 'meeting-notes', 'Q3_plan.v2', '2026-11-22', 'x'.repeat(DOCUMENT_NAME_MAX_LENGTH)])('accepts %s', (name) => {
    expect(checkDocumentName(name)).toEqual({ ok: true });
  });

  it.each([
    ['', /empty/],
    ['x'.repeat(DOCUMENT_NAME_MAX_LENGTH + 1), /101 characters/],
    ['..', /not allowed/],
    ['../etc/passwd', /not allowed/],
    ['.env', /not allowed/],
    ['-flag', /not allowed/],
    ['a/b', /not allowed/],
    ['a\\b', /not allowed/],
    ['with space', /not allowed/],
    ['café', /not allowed/],
    ['nul\u0000byte', /not allowed/],
  ])('refuses %j with a reason that states the rule', (name, why) => {
    const check = checkDocumentName(name);
    expect(check.ok).toBe(false);
    if (!check.ok) {
      expect(check.reason).toMatch(why);
      expect(check.reason).toMatch(/letters, digits/);
      expect(check.reason).not.toMatch(/\u0000/);
    }
  });
});

describe('document file names', () => {
  it('are distinct for names that differ only in case, and reversible', () => {
    const names = ['notes', 'Notes', 'NOTES', 'nOtEs.v2'];
    const files = names.map(documentFileName);
    expect(new Set(files.map((file) => file.toLowerCase())).size).toBe(names.length);
    expect(files.map(documentNameFromFileName)).toEqual(names);
    expect(documentFileName('MyDoc')).toBe('^my^doc');
  });

  it('refuse to map an invalid name to a path', () => {
    expect(() => documentFileName('../x')).toThrow(/invalid document name/);
  });

  it('do not map stray files back to document names', () => {
    expect(documentNameFromFileName('Upper')).toBeNull();
    expect(documentNameFromFileName('bad^')).toBeNull();
    expect(documentNameFromFileName('.hidden')).toBeNull();
  });
});
