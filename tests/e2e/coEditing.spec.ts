import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { TestServer } from '../support/TestServer.js';
import { documentText, editor } from '../support/editorPage.js';

let server: TestServer;

test.beforeEach(async () => {
  server = await TestServer.start();
});
/** Browser profiles opened by the current test: closed after it, so their pages stop reconnecting to a stopped server. */
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await server.dispose();
});

interface User {
  page: Page;
  /** Uncaught exceptions on the page; a healthy page has none. */
  errors: Error[];
}

/** A person with their own browser profile, already named, opening `path`. */
async function openAs(browser: Browser, name: string, color: string, path: string): Promise<User> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.addInitScript(
    ([userName, userColor]) => localStorage.setItem('tandem.user', JSON.stringify({ name: userName, color: userColor })),
    [name, color] as const,
  );
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${server.httpUrl}${path}`);
  return { page, errors };
}

function status(page: Page) {
  return page.getByTestId('connection-status');
}

test('two people type into one document and see each other’s text, named carets and presence', async ({ browser }) => {
  const alice = await openAs(browser, 'Alice', '#c2185b', '/d/team-notes');
  const bob = await openAs(browser, 'Bob', '#1565c0', '/d/team-notes');
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected');

  await editor(alice.page).click();
  await alice.page.keyboard.type('Hello from Alice.');
  await expect.poll(() => documentText(bob.page)).toContain('Hello from Alice.');

  await editor(bob.page).click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type(' And Bob was here.');
  await expect.poll(() => documentText(alice.page)).toContain('Hello from Alice. And Bob was here.');
  await expect.poll(() => documentText(bob.page)).toContain('Hello from Alice. And Bob was here.');

  // Each sees the other's caret, labelled with the other's name, in the other's colour.
  const bobsCaretForAlice = alice.page.locator('.collaboration-carets__label', { hasText: 'Bob' });
  await expect(bobsCaretForAlice).toBeVisible();
  await expect(bobsCaretForAlice).toHaveCSS('background-color', 'rgb(21, 101, 192)');
  await editor(alice.page).click();
  await alice.page.keyboard.type(' Alice again.');
  await expect(bob.page.locator('.collaboration-carets__label', { hasText: 'Alice' })).toBeVisible();
  await expect(alice.page.locator('.collaboration-carets__label', { hasText: 'Alice' })).toHaveCount(0);

  // Both are listed as present, each marking themselves.
  for (const { page } of [alice, bob]) {
    await expect(page.getByTestId('presence-user')).toHaveCount(2);
  }
  await expect(alice.page.getByTestId('presence-user').filter({ hasText: 'Alice' })).toHaveAttribute('data-self', 'true');
  await expect(alice.page.getByTestId('presence-user').filter({ hasText: 'Bob' })).toHaveAttribute('data-self', 'false');

  // When Bob leaves, he disappears from Alice's list and his caret goes with him.
  await bob.page.context().close();
  await expect(alice.page.getByTestId('presence-user')).toHaveCount(1);
  await expect(bobsCaretForAlice).toHaveCount(0);
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('after the server restarts, both reconnect by themselves and a reload shows all the text', async ({ browser }) => {
  const alice = await openAs(browser, 'Alice', '#c2185b', '/d/restart-me');
  const bob = await openAs(browser, 'Bob', '#1565c0', '/d/restart-me');
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await editor(alice.page).click();
  await alice.page.keyboard.type('Written before the restart.');
  await expect.poll(() => documentText(bob.page)).toContain('Written before the restart.');

  await server.stop('SIGTERM');
  await expect(status(alice.page)).toHaveAttribute('data-status', 'reconnecting');
  await alice.page.keyboard.type(' Typed while the server was down.');

  await server.start();
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected', { timeout: 20_000 });
  await expect.poll(() => documentText(bob.page)).toContain('Written before the restart. Typed while the server was down.');

  await bob.page.reload();
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected');
  await expect.poll(() => documentText(bob.page)).toBe('Written before the restart. Typed while the server was down.');
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});

test('a bad document name shows the naming rule instead of an editor', async ({ browser }) => {
  const visitor = await openAs(browser, 'Visitor', '#2e7d32', '/d/not%20allowed');
  await expect(visitor.page.getByTestId('document-error')).toBeVisible();
  await expect(visitor.page.getByTestId('document-error')).toContainText('letters, digits');
  await expect(editor(visitor.page)).toHaveCount(0);
});

test('a document created from the list page is listed with its size and the people in it', async ({ browser }) => {
  const alice = await openAs(browser, 'Alice', '#c2185b', '/');
  await expect(alice.page.getByTestId('document-empty')).toBeVisible();
  const name = alice.page.getByTestId('new-document-name');
  await name.fill('no spaces please');
  await expect(alice.page.getByTestId('new-document-error')).toBeVisible();
  await expect(alice.page.getByTestId('new-document-submit')).toBeDisabled();
  await name.fill('launch-plan');
  await alice.page.getByTestId('new-document-submit').click();

  await expect(alice.page).toHaveURL(/\/d\/launch-plan$/);
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await editor(alice.page).click();
  await alice.page.keyboard.type('Ship it.');

  const bob = await openAs(browser, 'Bob', '#1565c0', '/');
  const row = bob.page.getByTestId('document-item').filter({ hasText: 'launch-plan' });
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByTestId('document-peers')).toHaveAttribute('data-peers', '1');
  await row.getByTestId('document-link').click();
  await expect.poll(() => documentText(bob.page)).toContain('Ship it.');
});
