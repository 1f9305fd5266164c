import { expect, test, type Locator, type Page } from '@playwright/test';
import { serveExamples, type ExamplesServer } from '../../examples/serveExamples.js';
import { documentText, editor } from '../support/editorPage.js';
import { openVisitor, type Visitor } from '../support/openVisitor.js';
import { TestServer } from '../support/TestServer.js';

// Two instances of one deployment, each with its own data directory: they share nothing, so
// whatever the second server has after the failover came from the editor's own sync.
let examples: ExamplesServer;
let first: TestServer;
let second: TestServer;

test.beforeEach(async () => {
  examples = await serveExamples();
  [first, second] = await Promise.all([
    TestServer.start({ args: ['--allowed-origins', examples.url] }),
    TestServer.start({ args: ['--allowed-origins', examples.url] }),
  ]);
});
test.afterEach(async () => {
  await Promise.all([first.dispose(), second.dispose()]);
  await examples.close();
});

/** The server the page's `<tandem-editor>` uses now (`CollabEditor.serverUrl`). */
function serverUrlOf(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.querySelector('tandem-editor')?.collab?.serverUrl);
}

/** A document's plain text as `server` has it, through its HTTP API. */
async function textOn(server: TestServer, documentName: string): Promise<string> {
  const response = await fetch(`${server.httpUrl}/api/documents/${documentName}/content?format=text`);
  if (!response.ok) throw new Error(`reading "${documentName}" answered ${response.status}: ${await response.text()}`);
  return (await response.text()).trim();
}

/** A document's text as its reader sees it (without the others' caret labels). */
function textOf(proseMirror: Locator): Promise<string> {
  return proseMirror.evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
    return [...copy.children].map((block) => block.textContent ?? '').join('\n');
  });
}

function caretOf(proseMirror: Locator, name: string): Locator {
  return proseMirror.locator('.collaboration-carets__label', { hasText: name });
}

function expectHealthy(...visitors: Visitor[]): void {
  for (const visitor of visitors) {
    expect(visitor.errors).toEqual([]);
    expect(visitor.cspViolations).toEqual([]);
  }
}

test('an editor given two servers carries on with the second when the first is killed, and converges with its users', async ({ browser }) => {
  const documentName = 'failover';
  const ada = await openVisitor(
    await browser.newContext(),
    `${examples.url}/element.html?${new URLSearchParams({ server: `${first.httpUrl}, ${second.httpUrl}`, document: documentName, name: 'Ada', color: '#c62828' })}`,
  );
  const { page } = ada;
  const element = page.getByTestId('element');
  const text = element.locator('.ProseMirror');
  await expect(element).toHaveAttribute('data-status', 'connected');
  expect(await serverUrlOf(page)).toBe(first.wsUrl);
  await page.evaluate(() => {
    // Every status the element reports from now on, with the server in use at that moment.
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    document.addEventListener('tandem-status', (event) => seen.push(`${event.detail.status} ${document.querySelector('tandem-editor')?.collab?.serverUrl}`));
  });

  await text.click();
  await page.keyboard.type('Typed before the crash.');
  await expect(element).toHaveAttribute('data-save-status', 'saved');
  expect(await textOn(first, documentName)).toBe('Typed before the crash.');

  // The first instance dies without a word; Ada keeps typing through it.
  await first.stop('SIGKILL');
  await page.keyboard.type(' Typed after it.');

  await expect.poll(() => serverUrlOf(page)).toBe(second.wsUrl);
  await expect(element).toHaveAttribute('data-status', 'connected');
  await expect(element).toHaveAttribute('data-save-status', 'saved');
  await expect(element.getByTestId('tandem-status').getByRole('status')).toHaveText('Saved');
  // The second server has everything, typed before and after the kill, on its own disk.
  await expect.poll(() => textOn(second, documentName)).toBe('Typed before the crash. Typed after it.');
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  expect(seen).toEqual([`reconnecting ${second.wsUrl}`, `connected ${second.wsUrl}`]);

  // Bob only ever talks to the second server: he sees Ada's text and caret, and she sees his.
  const bob = await openVisitor(await browser.newContext(), `${second.httpUrl}/d/${documentName}`, { storedName: 'Bob' });
  await expect.poll(() => documentText(bob.page)).toBe('Typed before the crash. Typed after it.');
  await page.keyboard.type(' Ada again.');
  await expect(caretOf(editor(bob.page), 'Ada')).toBeVisible();
  await expect(caretOf(editor(bob.page), 'Ada')).toHaveCSS('background-color', 'rgb(198, 40, 40)');
  await editor(bob.page).click();
  await bob.page.keyboard.press('Control+End');
  await bob.page.keyboard.type(' Bob answers.');
  await expect.poll(() => textOf(text)).toBe('Typed before the crash. Typed after it. Ada again. Bob answers.');
  await expect(caretOf(text, 'Bob')).toBeVisible();
  await expect.poll(() => documentText(bob.page)).toBe('Typed before the crash. Typed after it. Ada again. Bob answers.');
  await expect.poll(() => textOn(second, documentName)).toBe('Typed before the crash. Typed after it. Ada again. Bob answers.');
  await expect(element.locator('[data-testid="tandem-presence-user"][data-name="Bob"]')).toHaveCount(1);
  expectHealthy(ada, bob);
});
