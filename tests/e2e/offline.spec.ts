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

async function openAs(browser: Browser, name: string, path: string, options: { withoutIndexedDb?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.addInitScript(
    ([userName, withoutIndexedDb]) => {
      localStorage.setItem('tandem.user', JSON.stringify({ name: userName, color: '#1565c0' }));
      if (withoutIndexedDb) Object.defineProperty(window, 'indexedDB', { value: undefined });
      // Every save status the indicator shows, in order.
      const history: string[] = [];
      (window as unknown as { saveStatusHistory: string[] }).saveStatusHistory = history;
      new MutationObserver(() => {
        const status = document.querySelector('[data-testid="connection-status"]')?.getAttribute('data-save-status');
        if (status && history.at(-1) !== status) history.push(status);
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-save-status'] });
    },
    [name, options.withoutIndexedDb ?? false] as const,
  );
  const page = await context.newPage();
  await page.goto(`${server.httpUrl}${path}`);
  return page;
}

const pill = (page: Page) => page.getByTestId('connection-status');
const surface = (page: Page) => page.getByTestId('editor');

test('text typed while the server is down survives a reload, then reaches the server and another browser: Offline → Saving… → Saved', async ({ browser }) => {
  const alice = await openAs(browser, 'Alice', '/d/offline-notes');
  await expect(pill(alice)).toHaveAttribute('data-save-status', 'saved');
  await expect(pill(alice)).toHaveText('Saved');
  // The app shell is installed, so the page can load without the server.
  await alice.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await editor(alice).click();
  await alice.keyboard.type('Written online.');
  await expect(pill(alice)).toHaveAttribute('data-save-status', 'saved');

  await server.stop('SIGTERM');
  await expect(pill(alice)).toHaveText('Offline – changes kept on this device');
  await alice.keyboard.type(' Typed while the server was down.');
  // Stored in this browser: closing the tab is safe, so no warning.
  await expect(surface(alice)).toHaveAttribute('data-unprotected-changes', 'false');

  let warned = false;
  alice.on('dialog', (dialog) => {
    warned = true;
    void dialog.accept();
  });
  await alice.reload();
  await expect.poll(() => documentText(alice)).toBe('Written online. Typed while the server was down.');
  await expect(pill(alice)).toHaveAttribute('data-save-status', 'offline');
  expect(warned).toBe(false);

  await alice.evaluate(() => ((window as unknown as { saveStatusHistory: string[] }).saveStatusHistory.length = 0));
  await server.start();
  await expect(pill(alice)).toHaveAttribute('data-save-status', 'saved', { timeout: 20_000 });
  const history = await alice.evaluate(() => (window as unknown as { saveStatusHistory: string[] }).saveStatusHistory);
  expect(history).toEqual(['saving', 'saved']);

  const bob = await openAs(browser, 'Bob', '/d/offline-notes');
  await expect.poll(() => documentText(bob)).toBe('Written online. Typed while the server was down.');
});

test('closing a tab with changes kept nowhere durable asks first', async ({ browser }) => {
  const page = await openAs(browser, 'Carol', '/d/fragile', { withoutIndexedDb: true });
  await expect(pill(page)).toHaveAttribute('data-save-status', 'saved');
  await server.stop('SIGTERM');
  await expect(pill(page)).toHaveAttribute('data-save-status', 'offline');
  await editor(page).click();
  await page.keyboard.type('Only in this tab.');
  await expect(surface(page)).toHaveAttribute('data-unprotected-changes', 'true');

  const dialog = page.waitForEvent('dialog');
  // The reload is refused by the user (dismiss), so it never completes.
  void page.reload().catch(() => undefined);
  const warning = await dialog;
  expect(warning.type()).toBe('beforeunload');
  await warning.dismiss();
  await expect.poll(() => documentText(page)).toBe('Only in this tab.');
});
