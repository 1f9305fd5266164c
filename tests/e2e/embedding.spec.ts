import { expect, test, type Browser, type Locator } from '@playwright/test';
import { serveExamples, type ExamplesServer } from '../../examples/serveExamples.js';
import { documentText, editor } from '../support/editorPage.js';
import { openVisitor, type Visitor } from '../support/openVisitor.js';
import { TestServer } from '../support/TestServer.js';

// The examples are served from an origin of their own, as another site embedding Tandem would be;
// the server accepts that origin (WebSockets, frame-ancestors) because it is in --allowed-origins.
let examples: ExamplesServer;
let server: TestServer;

test.beforeEach(async () => {
  examples = await serveExamples();
  server = await TestServer.start({ args: ['--allowed-origins', examples.url] });
});
test.afterEach(async () => {
  await server.dispose();
  await examples.close();
});

/** Someone with their own browser profile opening `url`; `storedName` is the name Tandem's app remembers for them. */
async function visit(browser: Browser, url: string, options: { storedName?: string } = {}): Promise<Visitor> {
  return openVisitor(await browser.newContext(), url, options);
}

function expectHealthy(...visitors: Visitor[]): void {
  for (const visitor of visitors) {
    expect(visitor.errors).toEqual([]);
    expect(visitor.cspViolations).toEqual([]);
  }
}

/** The example page with this test's server and document names. */
function examplePage(names: { first: string; second: string; shared: string; framed: string }, origin = examples.url): string {
  return `${origin}/embed.html?${new URLSearchParams({ server: server.httpUrl, ...names })}`;
}

/** A document's text as its reader sees it (without the others' caret labels), one line per block. */
function textOf(proseMirror: Locator): Promise<string> {
  return proseMirror.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
    return [...copy.children].map((block) => block.textContent ?? '').join('\n');
  });
}

/** The caret label of `name` inside an editor. */
function caretOf(proseMirror: Locator, name: string): Locator {
  return proseMirror.locator('.collaboration-carets__label', { hasText: name });
}

test('the example page: two documents stay apart, two elements on one document converge and show each other’s carets', async ({ browser }) => {
  // The example page runs five editors (one in a frame) next to the app's: give a loaded CI machine time.
  test.slow();
  const host = await visit(browser, examplePage({ first: 'alpha', second: 'beta', shared: 'together', framed: 'framed' }));
  const { page } = host;
  const first = page.getByTestId('first-editor').locator('.ProseMirror');
  const second = page.getByTestId('second-editor').locator('.ProseMirror');
  const ada = page.getByTestId('ada');
  const grace = page.getByTestId('grace');

  // One script brought everything, and added its stylesheet once.
  await expect(page.getByTestId('first-status')).toHaveAttribute('data-save-status', 'saved');
  await expect(page.getByTestId('second-status')).toHaveAttribute('data-save-status', 'saved');
  await expect(ada).toHaveAttribute('data-status', 'connected');
  await expect(grace).toHaveAttribute('data-status', 'connected');
  await expect(page.locator('link[rel="stylesheet"][href$="/lib/tandem-editor.css"]')).toHaveCount(1);
  await expect(page.getByTestId('load-error')).toBeHidden();

  // Two documents through the plain JavaScript API: each keeps its own text.
  await first.click();
  await page.keyboard.type('Only in alpha.');
  await second.click();
  await page.keyboard.type('Only in beta.');
  await expect.poll(() => textOf(first)).toBe('Only in alpha.');
  await expect.poll(() => textOf(second)).toBe('Only in beta.');
  await expect(page.getByTestId('first-status')).toHaveAttribute('data-save-status', 'saved');
  await expect(page.getByTestId('second-status')).toHaveAttribute('data-save-status', 'saved');
  // The server has them apart too: Tandem's own page shows each document with only its text.
  const reader = await visit(browser, `${server.httpUrl}/d/alpha`);
  await expect.poll(() => documentText(reader.page)).toBe('Only in alpha.');
  await reader.page.goto(`${server.httpUrl}/d/beta`);
  await expect.poll(() => documentText(reader.page)).toBe('Only in beta.');

  // Two <tandem-editor>s on one document: what Ada types reaches Grace, with Ada's caret and name.
  const adaText = ada.locator('.ProseMirror');
  const graceText = grace.locator('.ProseMirror');
  await adaText.click();
  await page.keyboard.type('Ada was here.');
  await expect.poll(() => textOf(graceText)).toBe('Ada was here.');
  await expect(caretOf(graceText, 'Ada')).toBeVisible();
  await expect(caretOf(graceText, 'Ada')).toHaveCSS('background-color', 'rgb(198, 40, 40)');

  await graceText.click();
  await page.keyboard.press('End');
  await page.keyboard.type(' Grace too.');
  await expect.poll(() => textOf(adaText)).toBe('Ada was here. Grace too.');
  await expect(caretOf(adaText, 'Grace')).toBeVisible();
  await expect(caretOf(adaText, 'Grace')).toHaveCSS('background-color', 'rgb(21, 101, 192)');
  expect(await textOf(graceText)).toBe('Ada was here. Grace too.');

  // Each element's status line lists both people (and the iframe's visitor is on another document).
  await expect(ada.getByTestId('tandem-presence-user')).toHaveCount(2);
  await expect(grace.getByTestId('tandem-presence-user').first()).toHaveAttribute('data-name', 'Grace');
  await expect(ada).toHaveAttribute('data-save-status', 'saved');
  // Nothing leaked between the documents.
  expect(await textOf(first)).toBe('Only in alpha.');
  expect(await textOf(second)).toBe('Only in beta.');
  expectHealthy(host, reader);
});

test('a lone <tandem-editor> syncs with the app, renames live and leaves when removed', async ({ browser }) => {
  const bob = await visit(browser, `${server.httpUrl}/d/solo`, { storedName: 'Bob' });
  const host = await visit(browser, `${examples.url}/element.html?${new URLSearchParams({ server: server.httpUrl, document: 'solo', name: 'Ada', color: '#c62828' })}`);
  const { page } = host;
  await page.evaluate(() => {
    // Events bubble: a page can listen on the document, even before the element is defined.
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    for (const type of ['tandem-status', 'tandem-save-status', 'tandem-presence'] as const) {
      document.addEventListener(type, (event) => seen.push(`${type}:${JSON.stringify(event.detail)}`));
    }
  });
  const element = page.getByTestId('element');
  const text = element.locator('.ProseMirror');
  await expect(element).toHaveAttribute('data-status', 'connected');
  await expect(bob.page.getByTestId('connection-status')).toHaveAttribute('data-status', 'connected');
  // Light DOM: the host page's font reaches the document.
  await expect(text).toHaveCSS('font-family', /Georgia/);

  await text.click();
  await page.keyboard.type('Typed in the element.');
  await expect.poll(() => documentText(bob.page)).toBe('Typed in the element.');
  await expect(caretOf(editor(bob.page), 'Ada')).toBeVisible();
  await expect(bob.page.getByTestId('presence-user').filter({ hasText: 'Ada' })).toBeVisible();
  await expect(element.getByTestId('tandem-status').getByRole('status')).toHaveText('Saved');

  await editor(bob.page).click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type(' Bob answers.');
  await expect.poll(() => textOf(text)).toBe('Typed in the element. Bob answers.');
  await expect(element.locator('[data-testid="tandem-presence-user"][data-name="Bob"]')).toHaveCount(1);

  // A new user-name renames the caret the others see, without reconnecting.
  await page.evaluate(() => {
    const tandemEditor = document.querySelector('tandem-editor')!;
    (window as unknown as { before: unknown }).before = tandemEditor.collab;
    tandemEditor.setAttribute('user-name', 'Ada Lovelace');
  });
  await text.click();
  await page.keyboard.press('End');
  await expect(caretOf(editor(bob.page), 'Ada Lovelace')).toBeVisible();
  await expect(bob.page.getByTestId('presence-user').filter({ hasText: 'Ada Lovelace' })).toBeVisible();
  expect(await page.evaluate(() => document.querySelector('tandem-editor')!.collab === (window as unknown as { before: unknown }).before)).toBe(true);

  // The page reads the document through the element.
  expect(await page.evaluate(() => document.querySelector('tandem-editor')!.getMarkdown())).toBe('Typed in the element. Bob answers.\n');
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  expect(seen).toContain('tandem-save-status:{"saveStatus":"saved"}');
  expect(seen.some((entry) => entry.startsWith('tandem-presence:') && entry.includes('"name":"Ada Lovelace"'))).toBe(true);

  // By default it keeps a copy for offline edits, under the editor's name for it.
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name));
  expect(await databases()).toContain(`tandem:${new URL(server.httpUrl).host}:solo`);

  // Removed from the page, it closes its connection: Bob sees Ada leave.
  await expect(bob.page.getByTestId('presence-user')).toHaveCount(2);
  await page.evaluate(() => document.querySelector('tandem-editor')!.remove());
  await expect(bob.page.getByTestId('presence-user')).toHaveCount(1);
  await expect(caretOf(editor(bob.page), 'Ada')).toHaveCount(0);
  expect(await page.evaluate(() => document.querySelector('tandem-editor'))).toBeNull();
  expectHealthy(host, bob);
});

test('a <tandem-editor> with offline-storage="off" keeps no copy in the browser', async ({ browser }) => {
  const host = await visit(browser, `${examples.url}/element.html?${new URLSearchParams({ server: server.httpUrl, document: 'kept-nowhere', name: 'Ada', 'offline-storage': 'off' })}`);
  const element = host.page.getByTestId('element');
  await expect(element).toHaveAttribute('data-status', 'connected');
  await element.locator('.ProseMirror').click();
  await host.page.keyboard.type('On a shared computer.');
  await expect(element).toHaveAttribute('data-save-status', 'saved');
  const names = await host.page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name));
  expect(names.filter((name) => name?.includes('kept-nowhere'))).toEqual([]);
  expectHealthy(host);
});

test('a <tandem-editor> with a bad attribute says so inside itself, and recovers when it is fixed', async ({ browser }) => {
  const host = await visit(browser, `${examples.url}/element.html?${new URLSearchParams({ server: server.httpUrl, document: 'fine', name: 'Ada' })}`);
  const { page } = host;
  const element = page.getByTestId('element');
  await expect(element).toHaveAttribute('data-status', 'connected');
  const errors = page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const details: string[] = [];
        document.addEventListener('tandem-error', (event) => {
          details.push(`${event.detail.code}: ${event.detail.message}`);
          if (details.length === 2) resolve(details);
        });
      }),
  );

  await page.evaluate(() => document.querySelector('tandem-editor')!.setAttribute('document', '../etc/passwd'));
  await expect(element.getByTestId('tandem-error')).toHaveAttribute('data-code', 'invalid-attributes');
  await expect(element.getByTestId('tandem-error')).toContainText('Document name "../etc/passwd" is not allowed');
  await expect(element.locator('.ProseMirror')).toHaveCount(0);
  expect(await page.evaluate(() => document.querySelector('tandem-editor')!.collab)).toBeNull();

  // Attributes set together are checked together, once: the first problem is the one shown.
  await page.evaluate(() => {
    const tandemEditor = document.querySelector('tandem-editor')!;
    tandemEditor.setAttribute('document', 'fine');
    tandemEditor.setAttribute('user-color', 'blue');
  });
  expect(await errors).toEqual([
    expect.stringMatching(/^invalid-attributes: Document name/),
    expect.stringMatching(/^invalid-attributes: User-color="blue" is not a colour/),
  ]);

  await page.evaluate(() => document.querySelector('tandem-editor')!.setAttribute('user-color', '#1565c0'));
  await expect(element).toHaveAttribute('data-status', 'connected');
  await expect(element.getByTestId('tandem-error')).toHaveCount(0);
  // Reported on the element and in the console, never thrown at the page.
  expectHealthy(host);
  expect(host.console.filter((line) => line.startsWith('error: tandem-editor:'))).toHaveLength(2);
});

test('the iframe route syncs with the app from an allowed origin', async ({ browser }) => {
  // The example page runs five editors (one in a frame) next to the app's: give a loaded CI machine time.
  test.slow();
  const bob = await visit(browser, `${server.httpUrl}/d/framed`, { storedName: 'Bob' });
  const host = await visit(browser, examplePage({ first: 'alpha', second: 'beta', shared: 'together', framed: 'framed' }));
  const frame = host.page.frameLocator('[data-testid="embed-frame"]');
  const framedEditor = frame.getByTestId('embed-editor');
  const framedText = framedEditor.locator('.ProseMirror');
  await expect(framedEditor).toHaveAttribute('data-status', 'connected');
  // Minimal chrome: the document and one status line, no app header or toolbar.
  await expect(frame.locator('.app-header, [data-testid="toolbar"]')).toHaveCount(0);
  await expect(framedEditor.getByTestId('tandem-status')).toBeVisible();

  await framedText.click();
  await host.page.keyboard.type('Written in the frame.');
  await expect.poll(() => documentText(bob.page)).toBe('Written in the frame.');
  // The frame's visitor is named by the link (name=Linus&color=2e7d32).
  await expect(caretOf(editor(bob.page), 'Linus')).toBeVisible();
  await editor(bob.page).click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type(' Bob read it.');
  await expect.poll(() => textOf(framedText)).toBe('Written in the frame. Bob read it.');
  await expect(framedEditor.locator('[data-testid="tandem-presence-user"][data-name="Bob"]')).toHaveCount(1);
  expectHealthy(host, bob);
});

test('a page from an origin the server does not allow may not frame it, and its elements say why they cannot connect', async ({ browser }) => {
  // The example page runs five editors (one in a frame) next to the app's: give a loaded CI machine time.
  test.slow();
  const stranger = await serveExamples();
  try {
    const foreign = await visit(browser, examplePage({ first: 'alpha', second: 'beta', shared: 'together', framed: 'framed' }, stranger.url));
    await expect.poll(() => foreign.console.some((line) => /frame-ancestors/.test(line))).toBe(true);
    await expect(foreign.page.frameLocator('[data-testid="embed-frame"]').locator('tandem-editor')).toHaveCount(0);
    const refused = foreign.page.getByTestId('ada').getByTestId('tandem-error');
    await expect(refused).toHaveAttribute('data-code', 'refused');
    await expect(refused).toContainText(`Its operator can add ${stranger.url} to ALLOWED_ORIGINS`);
    expect(foreign.errors).toEqual([]);
  } finally {
    await stranger.close();
  }
});

test('the iframe route explains a bad document name', async ({ page }) => {
  const response = await page.goto(`${server.httpUrl}/embed/not%20a%20name`);
  expect(response?.status()).toBe(400);
  await expect(page.getByTestId('embed-error')).toContainText('This document name is not valid');
  await expect(page.locator('tandem-editor')).toHaveCount(0);
});
