import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { createDocumentOnServer } from '../support/documentApi.js';
import { editor } from '../support/editorPage.js';
import { openAs } from '../support/openAs.js';
import { TestServer } from '../support/TestServer.js';

const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/everything.md', import.meta.url));

// One server for the file; the documents are only read (and carets moved).
let server: TestServer;

test.beforeAll(async () => {
  server = await TestServer.start();
  const fixture = await readFile(FIXTURE_PATH, 'utf8');
  await createDocumentOnServer(server, 'everything', fixture);
  await createDocumentOnServer(server, 'plain-notes', 'Just a line.\n');
});
test.afterEach(async ({ browser }) => {
  // The server outlives the test: nobody from it may stay in a document.
  await Promise.all(browser.contexts().map((context) => context.close()));
});
test.afterAll(async () => {
  await server.dispose();
});

/**
 * Runs axe on the page as it is now (or only on the part `include` selects,
 * for an open menu on a page already scanned: a whole scan of the editor is
 * slow on a 2-core machine) and fails on any violation of impact "serious"
 * or "critical", listing each with the elements it found.
 */
async function expectNoSeriousViolations(page: Page, state: string, include?: string): Promise<void> {
  const builder = new AxeBuilder({ page });
  if (include) builder.include(include);
  const results = await builder.analyze();
  const serious = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  const report = serious.map(
    (violation) =>
      `${violation.impact} ${violation.id}: ${violation.help}\n` +
      violation.nodes.map((node) => `  ${node.target.join(' ')}\n    ${node.failureSummary?.replaceAll('\n', '\n    ') ?? ''}`).join('\n'),
  );
  expect(report, `axe found serious violations on ${state}`).toEqual([]);
}

for (const colorScheme of ['light', 'dark'] as const) {
  test.describe(`${colorScheme} colour scheme`, () => {
    test('the document list, with its delete dialog and search, has no serious accessibility violations', async ({ browser }) => {
      const { page } = await openAs(browser, server, { name: 'Alice', color: '#c62828' }, '/', { colorScheme });
      await expect(page.getByTestId('document-item')).toHaveCount(2);
      await expectNoSeriousViolations(page, 'the list');

      await page.locator('[data-document-name="everything"]').getByTestId('document-delete').click();
      await expect(page.getByTestId('delete-dialog')).toBeVisible();
      await expectNoSeriousViolations(page, 'the delete dialog', '[data-testid="delete-dialog"]');
      await page.keyboard.press('Escape');

      await page.getByTestId('document-search').fill('nothing like this');
      await expect(page.getByTestId('document-no-match')).toBeVisible();
      await expectNoSeriousViolations(page, 'a search without results', '.documents');
    });

    test('the editor with content and a second person, and its menus, has no serious accessibility violations', async ({ browser }) => {
      const alice = await openAs(browser, server, { name: 'Alice', color: '#c62828' }, '/d/everything', { colorScheme });
      const bob = await openAs(browser, server, { name: 'Bob', color: '#1565c0' }, '/d/everything');
      const { page } = alice;
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
      await expect(editor(page).locator('table')).toBeVisible();
      // Bob's caret and name in Alice's text; Alice's caret in the table, so its controls show.
      await editor(bob.page).locator('p').first().click();
      await expect(page.locator('.collaboration-carets__label', { hasText: 'Bob' })).toBeVisible();
      await editor(page).locator('td').first().click();
      await expect(page.getByTestId('toolbar-add-row')).toBeVisible();
      await expectNoSeriousViolations(page, 'the editor');

      await page.getByTestId('share-button').click();
      await expect(page.getByTestId('share-panel')).toBeVisible();
      await expectNoSeriousViolations(page, 'the share panel', '.topbar');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('share-button')).toBeFocused();

      await page.getByTestId('export-button').press('ArrowDown');
      await expect(page.getByTestId('export-markdown')).toBeFocused();
      await expectNoSeriousViolations(page, 'the export menu', '.topbar');
      await page.keyboard.press('Escape');
      await expect(page.getByTestId('export-button')).toBeFocused();

      await editor(page).locator('p').first().click();
      await page.keyboard.press('Control+K');
      await expect(page.getByTestId('link-form')).toBeVisible();
      await expectNoSeriousViolations(page, 'the link form', '.topbar');
      await page.keyboard.press('Escape');

      await page.getByTestId('user-menu-button').click();
      await expect(page.getByTestId('user-menu')).toBeVisible();
      await expectNoSeriousViolations(page, 'the "you" menu', '.topbar');
    });
  });
}

test('menus and panels work from the keyboard: arrows move, Escape closes and returns focus, Tab leaves', async ({ browser }) => {
  const { page } = await openAs(browser, server, { name: 'Alice', color: '#c62828' }, '/d/plain-notes');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  const exportButton = page.getByTestId('export-button');
  await exportButton.focus();
  await page.keyboard.press('Enter');
  await expect(exportButton).toHaveAttribute('aria-expanded', 'true');
  await expect(page.getByTestId('export-markdown')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-html')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByTestId('export-json')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('export-markdown')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('export-json')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('export-menu')).toBeHidden();
  await expect(exportButton).toBeFocused();
  await expect(exportButton).toHaveAttribute('aria-expanded', 'false');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('export-json')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('export-menu')).toBeHidden();

  // The toolbar is one tab stop; arrows move along it.
  const toolbar = page.getByTestId('toolbar');
  await toolbar.getByRole('button').first().focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('toolbar-redo')).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByTestId('toolbar-table')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('toolbar-undo')).toBeFocused();
});
