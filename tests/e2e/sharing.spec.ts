import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { signTestToken, type TestTokenClaims } from '../support/signTestToken.js';
import { openVisitor, type Visitor } from '../support/openVisitor.js';
import { TestServer } from '../support/TestServer.js';
import { documentText, editor } from '../support/editorPage.js';

/** The server's AUTH_SECRET in these tests (at least 32 characters). */
const SECRET = 'sharing-e2e-secret-0123456789abcdefghijklmnop';

let server: TestServer;

test.beforeEach(async () => {
  server = await TestServer.start({ env: { AUTH_SECRET: SECRET } });
});
/** Browser profiles opened by the current test: closed after it, so their pages stop reconnecting to a stopped server. */
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await server.dispose();
});

/**
 * Someone with their own browser profile opening `path`. `storedName` is the
 * name this browser remembers (`tandem.user`), which an access link's name must win over.
 */
async function visit(browser: Browser, path: string, options: { storedName?: string } = {}): Promise<Visitor> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.httpUrl });
  return openVisitor(context, `${server.httpUrl}${path}`, options);
}

function token(claims: TestTokenClaims): Promise<string> {
  return signTestToken(SECRET, claims);
}

const status = (page: Page) => page.getByTestId('connection-status');

function expectHealthy(...visitors: Visitor[]): void {
  for (const visitor of visitors) {
    expect(visitor.errors).toEqual([]);
    expect(visitor.cspViolations).toEqual([]);
  }
}

/** Alice writes (a `team-*` link with her name); Bob reads `team-notes` through a read-only link while his browser remembers him as "Mallory". */
async function aliceAndBob(browser: Browser): Promise<{ alice: Visitor; bob: Visitor; bobLink: string }> {
  const alice = await visit(browser, `/d/team-notes?token=${await token({ documents: ['team-*'], name: 'Alice', color: '#c2185b' })}`);
  const bobLink = `/d/team-notes?token=${await token({ documents: ['team-notes'], access: 'read', name: 'Bob', color: '#1565c0' })}`;
  const bob = await visit(browser, bobLink, { storedName: 'Mallory' });
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expect(status(bob.page)).toHaveAttribute('data-status', 'connected');
  return { alice, bob, bobLink };
}

test('a read-only viewer follows a writer live and changes nothing, for anyone', async ({ browser }) => {
  const { alice, bob } = await aliceAndBob(browser);

  // Bob's page says it is read-only and offers nothing that edits.
  const badge = bob.page.getByTestId('read-only-badge');
  await expect(badge).toBeVisible();
  await expect(badge).toHaveAccessibleName(/^Read only/);
  await expect(bob.page.getByTestId('toolbar')).toHaveCount(0);
  await expect(editor(bob.page)).toHaveAttribute('contenteditable', 'false');
  await expect(editor(bob.page)).toHaveAttribute('aria-readonly', 'true');
  // No "Saving…"/"Saved": Bob makes no changes to save.
  await expect(status(bob.page)).toHaveText('Live');
  await expect(status(bob.page)).not.toHaveAttribute('data-save-status', /.*/);
  await expect(alice.page.getByTestId('read-only-badge')).toHaveCount(0);
  await expect(alice.page.getByTestId('toolbar')).toBeVisible();

  await editor(alice.page).click();
  await alice.page.keyboard.type('Hello from Alice.');
  await expect.poll(() => documentText(bob.page)).toBe('Hello from Alice.');

  // Bob tries to type, delete and format; nothing changes, for him or for Alice.
  await editor(bob.page).click();
  await bob.page.keyboard.press('End');
  await bob.page.keyboard.type(' Mallory was here.');
  await bob.page.keyboard.press('Backspace');
  await bob.page.keyboard.press('Enter');
  await bob.page.keyboard.press('Control+B');
  await editor(alice.page).click();
  await alice.page.keyboard.press('Control+End');
  await alice.page.keyboard.type(' More.');
  await expect.poll(() => documentText(bob.page)).toBe('Hello from Alice. More.');
  await expect.poll(() => documentText(alice.page)).toBe('Hello from Alice. More.');
  await expect(status(alice.page)).toHaveAttribute('data-save-status', 'saved');
  await alice.page.reload();
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expect.poll(() => documentText(alice.page)).toBe('Hello from Alice. More.');
  expectHealthy(alice, bob);
});

test('everyone sees the name on the link, never the one a browser remembers, and a copied link keeps the access', async ({ browser }) => {
  const { alice, bob, bobLink } = await aliceAndBob(browser);
  await editor(alice.page).click();
  await alice.page.keyboard.type('Hello from Alice.');
  await expect.poll(() => documentText(bob.page)).toBe('Hello from Alice.');

  // Alice sees Bob, by the name on his link, and his caret where he clicked.
  const bobForAlice = alice.page.getByTestId('presence-user').filter({ hasText: 'Bob' });
  await expect(bobForAlice).toHaveAttribute('data-self', 'false');
  await expect(bobForAlice).toHaveAttribute('data-color', '#1565c0');
  await editor(bob.page).click();
  const bobsCaret = alice.page.locator('.collaboration-carets__label', { hasText: 'Bob' });
  await expect(bobsCaret).toBeVisible();
  await expect(bobsCaret).toHaveCSS('background-color', 'rgb(21, 101, 192)');
  await expect(bob.page.getByTestId('presence-user').filter({ hasText: 'Alice' })).toBeVisible();
  for (const { page } of [alice, bob]) {
    await expect(page.getByTestId('presence-user')).toHaveCount(2);
    await expect(page.getByText('Mallory')).toHaveCount(0);
  }

  // Bob's own name comes from the link: the "you" menu explains instead of offering a rename,
  // and what his browser remembers is left alone.
  await bob.page.getByTestId('user-menu-button').click();
  await expect(bob.page.getByTestId('user-menu')).toContainText('Bob');
  await expect(bob.page.getByTestId('user-identity-note')).toHaveText('Your name and colour come from your access link.');
  await expect(bob.page.getByTestId('user-name-input')).toHaveCount(0);
  await expect(bob.page.getByTestId('user-color-option')).toHaveCount(0);
  await bob.page.keyboard.press('Escape');
  expect(await bob.page.evaluate(() => localStorage.getItem('tandem.user'))).toContain('Mallory');

  // The shared link keeps Bob's token, so whoever opens it gets in (read-only, as Bob); the panel says so.
  await bob.page.getByTestId('share-button').click();
  await expect(bob.page.getByTestId('share-sentence')).toContainText('Anyone with this link can view this document');
  await expect(bob.page.getByTestId('share-sentence')).toContainText('They appear to others as Bob.');
  await expect(bob.page.getByTestId('share-link')).toHaveValue(`${server.httpUrl}${bobLink}`);
  await bob.page.getByTestId('copy-link').click();
  await expect(bob.page.getByTestId('copy-link')).toHaveText('Copied');
  const copied = await bob.page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(`${server.httpUrl}${bobLink}`);
  const friend = await visit(browser, copied.slice(server.httpUrl.length));
  await expect(status(friend.page)).toHaveAttribute('data-status', 'connected');
  await expect(friend.page.getByTestId('read-only-badge')).toBeVisible();
  await expect.poll(() => documentText(friend.page)).toBe('Hello from Alice.');
  expectHealthy(alice, bob, friend);
});

test('an expired link, a link for another document and a damaged link each say what is wrong', async ({ browser }) => {
  const expired = await visit(browser, `/d/team-notes?token=${await token({ documents: ['team-notes'], expiresInSeconds: -60 })}`);
  const error = expired.page.getByTestId('document-error');
  await expect(error).toHaveAttribute('data-reason', 'link-expired');
  await expect(error).toContainText('This link has expired');
  await expect(error).toContainText('Ask the person who shared it for a new link.');
  await expect(editor(expired.page)).toHaveCount(0);
  await expect(expired.page.getByTestId('share-button')).toBeHidden();
  await expect(status(expired.page)).toHaveAttribute('data-status', 'offline');

  const elsewhere = await visit(browser, `/d/team-notes?token=${await token({ documents: ['other-*'] })}`);
  await expect(elsewhere.page.getByTestId('document-error')).toHaveAttribute('data-reason', 'not-covered');
  await expect(elsewhere.page.getByTestId('document-error-reason')).toContainText('This link does not give access to this document.');
  // "All documents" keeps the link, which may well open other documents.
  const allDocuments = elsewhere.page.getByTestId('document-error').getByRole('link', { name: 'All documents' });
  await expect(allDocuments).toHaveAttribute('href', /^\/\?token=ey/);
  await expect(elsewhere.page.getByTestId('wordmark')).toHaveAttribute('href', /^\/\?token=ey/);

  const damaged = await visit(browser, '/d/team-notes?token=not-a-token');
  await expect(damaged.page.getByTestId('document-error')).toHaveAttribute('data-reason', 'link-invalid');
  await expect(damaged.page.getByTestId('document-error-reason')).toHaveText(
    'This link is invalid or has expired. Ask the person who shared it for a new link.',
  );

  const expiredList = await visit(browser, `/?token=${await token({ documents: ['*'], expiresInSeconds: -60 })}`);
  await expect(expiredList.page.getByTestId('access-error')).toHaveAttribute('data-reason', 'link-expired');
  expectHealthy(expired, elsewhere, damaged, expiredList);
});

test('without a link, the list and a document say that the server requires one', async ({ browser }) => {
  const list = await visit(browser, '/');
  const card = list.page.getByTestId('access-error');
  await expect(card).toHaveAttribute('data-reason', 'access-required');
  await expect(card).toContainText('This server requires an access link');
  await expect(list.page.getByTestId('new-document-form')).toHaveCount(0);
  await expect(list.page.getByTestId('document-list')).toHaveCount(0);

  const document = await visit(browser, '/d/x');
  await expect(document.page.getByTestId('document-error')).toHaveAttribute('data-reason', 'access-required');
  await expect(document.page.getByTestId('document-error')).toContainText('This server requires an access link');
  expectHealthy(list, document);
});

test('the list shows what a link covers, with links that keep it, and creates only what it may write', async ({ browser }) => {
  const writer = await token({ documents: ['team-*'], name: 'Alice' });
  // Two documents exist: one the link covers, one it does not.
  for (const [name, link] of [['team-plan', writer], ['secret-plan', await token({ documents: ['*'] })]] as const) {
    const author = await visit(browser, `/d/${name}?token=${link}`);
    await editor(author.page).click();
    await author.page.keyboard.type(`Text of ${name}.`);
    await expect(status(author.page)).toHaveAttribute('data-save-status', 'saved');
    await author.page.context().close();
  }

  const alice = await visit(browser, `/?token=${writer}`);
  await expect(alice.page.getByTestId('document-item')).toHaveCount(1);
  const link = alice.page.getByTestId('document-link');
  await expect(link).toHaveText('team-plan');
  await expect(link).toHaveAttribute('href', `/d/team-plan?token=${writer}`);

  // Names outside the link are refused before anything is opened; suggestions stay inside it.
  const name = alice.page.getByTestId('new-document-name');
  await name.fill('secret-plan');
  await expect(alice.page.getByTestId('new-document-error')).toContainText('Your access link does not cover this name. It covers names starting with “team-”.');
  await expect(alice.page.getByTestId('new-document-submit')).toBeDisabled();
  await alice.page.getByTestId('suggest-document-name').click();
  await expect(name).toHaveValue(/^team-/);
  await name.fill('team-retro');
  await alice.page.getByTestId('new-document-submit').click();
  await expect(alice.page).toHaveURL(`${server.httpUrl}/d/team-retro?token=${writer}`);
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');

  // A reader's list has no "New document" and says it is read-only; its links open read-only documents.
  const reader = await visit(browser, `/?token=${await token({ documents: ['team-*'], access: 'read' })}`);
  await expect(reader.page.getByTestId('document-item')).toHaveCount(1);
  await expect(reader.page.getByTestId('new-document-form')).toHaveCount(0);
  await expect(reader.page.getByTestId('read-only-badge')).toBeVisible();
  await reader.page.getByTestId('document-link').click();
  await expect(reader.page.getByTestId('read-only-badge')).toBeVisible();
  await expect.poll(() => documentText(reader.page)).toBe('Text of team-plan.');
  expectHealthy(alice, reader);
});

test('a change past the size limit is refused with a notice, and the saved version can be reloaded', async ({ browser }) => {
  await server.dispose();
  server = await TestServer.start({ env: { AUTH_SECRET: SECRET }, args: ['--max-document-bytes', '2048'] });
  const alice = await visit(browser, `/d/team-notes?token=${await token({ documents: ['team-notes'], name: 'Alice' })}`);
  await editor(alice.page).click();
  await alice.page.keyboard.type('Kept.');
  await expect(status(alice.page)).toHaveAttribute('data-save-status', 'saved');

  await alice.page.keyboard.insertText(' Too much.'.repeat(400));
  const notice = alice.page.getByTestId('connection-notice');
  await expect(notice).toContainText('This document has reached its size limit of 2 KiB, so your last change was not saved.');
  await expect(editor(alice.page)).toHaveAttribute('contenteditable', 'false');
  await expect(alice.page.getByTestId('toolbar')).toHaveCount(0);
  await expect(status(alice.page)).toHaveAttribute('data-status', 'offline');
  await expect(status(alice.page)).toHaveText('Not saved');

  // The refused text is still there to copy; reloading the saved version drops it from this browser too.
  await notice.getByTestId('connection-notice-action').click();
  await expect(status(alice.page)).toHaveAttribute('data-status', 'connected');
  await expect.poll(() => documentText(alice.page)).toBe('Kept.');
  await expect(alice.page.getByTestId('connection-notice')).toBeHidden();
  expectHealthy(alice);
});
