import { expect, test, type Browser, type Page } from '@playwright/test';
import { documentText, editor } from '../support/editorPage.js';
import { openAs } from '../support/openAs.js';
import { sharedServerPerFile } from '../support/sharedServerPerFile.js';
import type { TestServer } from '../support/TestServer.js';

// One server for the file: every test edits a document of its own name.
let server: TestServer;

sharedServerPerFile((started) => (server = started));

const ALICE = { name: 'Alice', color: '#c62828' };
const BOB = { name: 'Bob', color: '#1565c0' };

const status = (page: Page) => page.getByTestId('connection-status');

/** Alice alone in a new, empty document, with the caret in it. */
async function aliceIn(browser: Browser, documentName: string) {
  const alice = await openAs(browser, server, ALICE, `/d/${documentName}`);
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await editor(alice.page).click();
  return alice;
}

test('Markdown shortcuts make headings, lists, tasks, bold and highlight as you type', async ({ browser }) => {
  const { page, errors } = await aliceIn(browser, 'shortcuts');
  await expect(editor(page).locator('p.is-editor-empty')).toHaveAttribute('data-placeholder', 'Start writing…');

  await page.keyboard.type('# Plan');
  await page.keyboard.press('Enter');
  await page.keyboard.type('- first');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('[ ] call Bob');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Some **bold** and ==marked== text');

  const content = editor(page);
  await expect(content.locator('h1')).toHaveText('Plan');
  await expect(content.locator('ul:not([data-type]) > li')).toHaveText('first');
  await expect(content.locator('ul[data-type="taskList"] > li')).toHaveAttribute('data-checked', 'false');
  await expect(content.locator('ul[data-type="taskList"] > li > div')).toHaveText('call Bob');
  await expect(content.locator('p strong')).toHaveText('bold');
  await expect(content.locator('p mark')).toHaveText('marked');
  await expect(content.locator('p', { has: page.locator('strong') })).toHaveText('Some bold and marked text');

  // The toolbar knows where the caret is.
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('toolbar-highlight')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('toolbar-bold')).toHaveAttribute('aria-pressed', 'false');
  expect(errors).toEqual([]);
});

test('pasting a URL onto selected text links it, and Mod-K adds, changes and removes links', async ({ browser }) => {
  const { page, errors } = await aliceIn(browser, 'links');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.httpUrl });
  await page.keyboard.type('Read the guide, then the blog');
  // Select "guide".
  for (let i = 0; i < ', then the blog'.length; i += 1) await page.keyboard.press('ArrowLeft');
  for (let i = 0; i < 'guide'.length; i += 1) await page.keyboard.press('Shift+ArrowLeft');
  await page.evaluate(() => navigator.clipboard.writeText('https://example.com/guide'));
  await expect.poll(() => page.evaluate(() => getSelection()?.toString())).toBe('guide');
  await page.keyboard.press('Control+V');
  const links = editor(page).locator('a');
  await expect(links).toHaveCount(1);
  await expect(links).toHaveText('guide');
  await expect(links).toHaveAttribute('href', 'https://example.com/guide');
  await expect(documentText(page)).resolves.toBe('Read the guide, then the blog');

  // Select "blog" and link it with Mod-K; the address is completed.
  await page.keyboard.press('End');
  for (let i = 0; i < 'blog'.length; i += 1) await page.keyboard.press('Shift+ArrowLeft');
  await expect.poll(() => page.evaluate(() => getSelection()?.toString())).toBe('blog');
  await page.keyboard.press('Control+K');
  const form = page.getByTestId('link-form');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('link-url')).toBeFocused();
  await expect(page.getByTestId('link-remove')).toBeHidden();
  await page.getByTestId('link-url').fill('javascript:alert(1)');
  await page.keyboard.press('Enter');
  await expect(form).toContainText('Enter a web address');
  await page.getByTestId('link-url').fill('blog.example.com');
  await page.keyboard.press('Enter');
  await expect(form).toBeHidden();
  await expect(editor(page)).toBeFocused();
  await expect(links).toHaveCount(2);
  await expect(links.nth(1)).toHaveText('blog');
  await expect(links.nth(1)).toHaveAttribute('href', 'https://blog.example.com');

  // In a link, Mod-K shows its address; Escape leaves it alone; Remove unlinks it.
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Control+K');
  await expect(page.getByTestId('link-url')).toHaveValue('https://blog.example.com');
  await page.keyboard.press('Escape');
  await expect(form).toBeHidden();
  await expect(editor(page)).toBeFocused();
  await expect(links).toHaveCount(2);
  await page.getByTestId('toolbar-link').click();
  await page.getByTestId('link-remove').click();
  await expect(links).toHaveCount(1);
  await expect(documentText(page)).resolves.toBe('Read the guide, then the blog');

  // A plain click places the caret; Ctrl-click opens the link in a new tab (the address is never fetched here).
  await page.context().route('https://example.com/**', (route) => route.fulfill({ body: 'guide' }));
  let opened = false;
  page.context().on('page', () => (opened = true));
  await links.first().click();
  await expect(editor(page)).toBeFocused();
  expect(opened).toBe(false);
  const [popup] = await Promise.all([page.context().waitForEvent('page'), links.first().click({ modifiers: ['Control'] })]);
  await expect.poll(() => popup.url()).toBe('https://example.com/guide');
  await popup.close();
  expect(errors).toEqual([]);
});

test('a table is inserted from the toolbar, whose table controls add and delete rows and columns', async ({ browser }) => {
  const { page, errors } = await aliceIn(browser, 'tables');
  const table = editor(page).locator('table');
  const addRow = page.getByTestId('toolbar-add-row');
  await expect(addRow).toBeHidden();

  await page.getByTestId('toolbar-table').click();
  await expect(table.locator('tr')).toHaveCount(3);
  await expect(table.locator('tr').first().locator('th')).toHaveCount(3);
  await expect(addRow).toBeVisible();
  await expect(page.getByTestId('toolbar-table')).toHaveAttribute('aria-disabled', 'true');
  // The caret starts in the first header cell; Tab moves to the next cell.
  await page.keyboard.type('Name');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Role');

  // Columns are added after, and deleted at, the caret's column.
  await page.getByTestId('toolbar-add-column').click();
  await expect(table.locator('tr').first().locator('th')).toHaveCount(4);
  await page.getByTestId('toolbar-delete-column').click();
  await expect(table.locator('tr').first().locator('th')).toHaveCount(3);
  await expect(table.locator('tr').first()).toHaveText('Name');
  // Rows likewise, from a body cell.
  await page.keyboard.press('ArrowDown');
  await addRow.click();
  await expect(table.locator('tr')).toHaveCount(4);
  await page.getByTestId('toolbar-delete-row').click();
  await expect(table.locator('tr')).toHaveCount(3);
  await expect(table.locator('th').first()).toHaveText('Name');

  await page.getByTestId('toolbar-delete-table').click();
  await expect(table).toHaveCount(0);
  await expect(addRow).toBeHidden();
  expect(errors).toEqual([]);
});

test('the word count follows everyone’s typing', async ({ browser }) => {
  const alice = await aliceIn(browser, 'counted');
  const count = (page: Page) => page.getByTestId('word-count');
  await expect(count(alice.page)).toHaveAttribute('data-words', '0');
  await expect(count(alice.page)).toContainText('0 words');
  await alice.page.keyboard.type('One two three');
  await expect(count(alice.page)).toHaveAttribute('data-words', '3');
  await expect(count(alice.page)).toContainText('3 words');

  const bob = await openAs(browser, server, BOB, '/d/counted');
  await expect(count(bob.page)).toHaveAttribute('data-words', '3');
  await editor(bob.page).click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type(' four');
  await expect(count(alice.page)).toHaveAttribute('data-words', '4');
  await expect(count(alice.page)).toContainText('4 words');
  // Not announced as people type (no live region); read where it stands.
  await expect(count(alice.page)).toHaveText('4 words');
  await expect(alice.page.locator('[aria-live]').filter({ hasText: 'words' })).toHaveCount(0);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('undo only undoes your own changes, for everyone', async ({ browser }) => {
  const alice = await aliceIn(browser, 'undo-mine');
  // One transaction, so one undo step takes all of it, however fast the machine types.
  await alice.page.keyboard.insertText('From Alice.');
  const bob = await openAs(browser, server, BOB, '/d/undo-mine');
  await expect.poll(() => documentText(bob.page)).toBe('From Alice.');
  await editor(bob.page).click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.insertText('From Bob.');
  await expect.poll(() => documentText(alice.page)).toBe('From Alice.\nFrom Bob.');

  await alice.page.keyboard.press('Control+Z');
  for (const { page } of [alice, bob]) {
    await expect.poll(() => documentText(page)).not.toContain('From Alice.');
    expect(await documentText(page)).toContain('From Bob.');
  }
  // Redo brings Alice's text back, still beside Bob's.
  await alice.page.keyboard.press('Control+Shift+Z');
  for (const { page } of [alice, bob]) {
    await expect.poll(() => documentText(page)).toBe('From Alice.\nFrom Bob.');
  }
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
