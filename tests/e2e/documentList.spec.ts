import { expect, test, type Page } from '@playwright/test';
import { createDocumentOnServer, listDocumentNames } from '../support/documentApi.js';
import { editor } from '../support/editorPage.js';
import { openAs } from '../support/openAs.js';
import { sharedServerPerFile } from '../support/sharedServerPerFile.js';
import type { TestServer } from '../support/TestServer.js';

// One server for the file: every test works on documents of its own names.
let server: TestServer;

sharedServerPerFile((started) => (server = started));

const ALICE = { name: 'Alice', color: '#c62828' };
const BOB = { name: 'Bob', color: '#1565c0' };

const row = (page: Page, documentName: string) => page.locator(`[data-testid="document-item"][data-document-name="${documentName}"]`);
const status = (page: Page) => page.getByTestId('connection-status');

test('each document shows its title, which follows its first heading, and the search finds documents by name and title', async ({ browser }) => {
  await createDocumentOnServer(server, 'budget-2026', '# Budget review\n\nNumbers.\n');
  await createDocumentOnServer(server, 'plain-notes', 'No heading here.\n');
  const { page, errors } = await openAs(browser, server, ALICE, '/');

  await expect(row(page, 'budget-2026').getByTestId('document-title')).toHaveText('Budget review');
  await expect(row(page, 'budget-2026').getByTestId('document-name')).toHaveText('budget-2026');
  // Without a heading the name stands in for the title, once.
  await expect(row(page, 'plain-notes').getByTestId('document-link')).toHaveText('plain-notes');

  // Someone edits the first heading; the list shows the new title once it refreshes.
  const bob = await openAs(browser, server, BOB, '/d/budget-2026');
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected');
  await editor(bob.page).locator('h1').click();
  await bob.page.keyboard.press('End');
  await bob.page.keyboard.type(' for Q3');
  await expect(status(bob.page)).toHaveAttribute('data-save-status', 'saved');
  // Alice comes back to her tab: the list refreshes at once (it also does every few seconds).
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(row(page, 'budget-2026').getByTestId('document-title')).toHaveText('Budget review for Q3');

  // Search by title, by name, and for nothing.
  const search = page.getByTestId('document-search');
  const items = page.getByTestId('document-item');
  await search.fill('BUDGET q3');
  await expect(items).toHaveCount(1);
  await expect(items).toHaveAttribute('data-document-name', 'budget-2026');
  await search.fill('plain');
  await expect(items).toHaveCount(1);
  await expect(items).toHaveAttribute('data-document-name', 'plain-notes');
  await search.fill('no-such-thing');
  await expect(items).toHaveCount(0);
  await expect(page.getByTestId('document-no-match')).toContainText('No document’s name or title matches “no-such-thing”.');
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(row(page, 'budget-2026')).toBeVisible();
  await expect(row(page, 'plain-notes')).toBeVisible();
  await expect(page.getByTestId('document-no-match')).toBeHidden();
  expect(errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('deleting asks first: cancelling keeps the document; confirming removes it everywhere, and an open editor says it was deleted', async ({ browser }) => {
  await createDocumentOnServer(server, 'doomed-draft', '# Doomed\n\nSoon gone.\n');
  // Bob has it open in another browser.
  const bob = await openAs(browser, server, BOB, '/d/doomed-draft');
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected');
  await expect(editor(bob.page).locator('h1')).toHaveText('Doomed');

  // Alice opened it once too, so her browser keeps a copy of it.
  const { page, errors } = await openAs(browser, server, ALICE, '/d/doomed-draft');
  await expect(status(page)).toHaveAttribute('data-save-status', 'saved');
  const localCopy = `tandem:127.0.0.1:${server.port}:doomed-draft`;
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name));
  await page.goto(`${server.httpUrl}/`);
  expect(await databases()).toContain(localCopy);

  const dialog = page.getByTestId('delete-dialog');
  const deleteButton = row(page, 'doomed-draft').getByTestId('document-delete');
  await expect(deleteButton).toHaveAccessibleName('Delete doomed-draft');

  // Cancel, and Escape: nothing happens.
  await deleteButton.click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleName('Delete “doomed-draft”?');
  await expect(dialog).toContainText('“Doomed” will be deleted for everyone');
  await expect(page.getByTestId('delete-cancel')).toBeFocused();
  await page.getByTestId('delete-cancel').click();
  await expect(dialog).toBeHidden();
  await expect(deleteButton).toBeFocused();
  await deleteButton.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(row(page, 'doomed-draft')).toBeVisible();
  expect(await listDocumentNames(server)).toContain('doomed-draft');

  // Confirm: gone from the list, the server and this browser; Bob's editor says so.
  await deleteButton.click();
  await page.getByTestId('delete-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(row(page, 'doomed-draft')).toHaveCount(0);
  await expect(page.getByTestId('list-announcer')).toHaveText('Deleted “doomed-draft”.');
  expect(await listDocumentNames(server)).not.toContain('doomed-draft');
  await expect.poll(databases).not.toContain(localCopy);

  const card = bob.page.getByTestId('document-error');
  await expect(card).toHaveAttribute('data-reason', 'deleted');
  await expect(card).toContainText('This document was deleted');
  await expect(card.getByRole('link', { name: 'All documents' })).toHaveAttribute('href', '/');
  await expect(editor(bob.page)).toHaveAttribute('contenteditable', 'false');
  await expect(bob.page.getByTestId('toolbar')).toHaveCount(0);
  await expect(status(bob.page)).toHaveText('Deleted');
  // Bob's browser forgot it too, and his deleted tab, still showing the text, gives it to no other tab:
  // a new tab opening the name finds a new, empty document (and nothing comes back to the server).
  await expect.poll(() => bob.page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name))).not.toContain(localCopy);
  const bobsNewTab = await bob.page.context().newPage();
  await bobsNewTab.goto(`${server.httpUrl}/d/doomed-draft`);
  await expect(status(bobsNewTab)).toHaveAttribute('data-save-status', 'saved');
  await expect(editor(bobsNewTab)).not.toContainText('Soon gone');
  expect(await listDocumentNames(server)).not.toContain('doomed-draft');
  expect(errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('importing a Markdown file creates a document named after it and opens it; a second import gets a free name', async ({ browser }) => {
  const { page, errors } = await openAs(browser, server, ALICE, '/');
  const file = { name: 'Launch Checklist.md', mimeType: 'text/markdown', buffer: Buffer.from('# Launch checklist\n\n- [ ] Write the post\n') };

  await page.getByTestId('import-file-input').setInputFiles(file);
  await expect(page).toHaveURL(`${server.httpUrl}/d/launch-checklist`);
  await expect(status(page)).toHaveAttribute('data-status', 'connected');
  await expect(editor(page).locator('h1')).toHaveText('Launch checklist');
  await expect(editor(page).locator('ul[data-type="taskList"] li')).toContainText('Write the post');

  await page.goto(`${server.httpUrl}/`);
  await expect(row(page, 'launch-checklist').getByTestId('document-title')).toHaveText('Launch checklist');
  await page.getByTestId('import-file-input').setInputFiles(file);
  await expect(page).toHaveURL(`${server.httpUrl}/d/launch-checklist-2`);
  await expect(editor(page).locator('h1')).toHaveText('Launch checklist');

  // A file that is neither Markdown nor HTML is refused with a reason, before anything is sent.
  await page.goto(`${server.httpUrl}/`);
  await page.getByTestId('import-file-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain') });
  await expect(page.getByTestId('import-error')).toHaveText('“notes.txt” is not a Markdown or HTML file. Choose a file ending in .md, .markdown, .html, .htm.');
  await expect(page).toHaveURL(`${server.httpUrl}/`);
  expect(errors).toEqual([]);
});
