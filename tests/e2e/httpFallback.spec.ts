import { expect, test, type Browser, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';
import { serveExamples } from '../../examples/serveExamples.js';
import { documentText, editor } from '../support/editorPage.js';
import { openVisitor } from '../support/openVisitor.js';
import { TestServer } from '../support/TestServer.js';

// Issue 9: an editor behind a proxy that blocks WebSockets carries on over the server's HTTP
// fallback by itself, co-edits with an editor on a WebSocket, and says which transport it uses.

let server: TestServer;

test.beforeEach(async () => {
  server = await TestServer.start();
});
/** Browser profiles opened by the current test: closed after it, so their pages stop reconnecting. */
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
  await server.dispose();
});

interface User {
  page: Page;
  /** Uncaught exceptions on the page; a healthy page has none. */
  errors: Error[];
  /** The WebSocket connections the page tried, by URL path. */
  webSockets: string[];
}

/**
 * What a proxy does to the page's WebSockets:
 * - `none`: lets them through;
 * - `refuse`: closes each at once, before the server could say a word;
 * - `silent`: lets them open and carries nothing, either way.
 */
type Proxy = 'none' | 'refuse' | 'silent';

/** Puts `proxy` between a browser profile and the server's WebSockets; returns the paths the pages tried. */
async function behind(context: BrowserContext, proxy: Proxy): Promise<string[]> {
  const webSockets: string[] = [];
  await context.routeWebSocket(/\/ws\//, (route: WebSocketRoute) => {
    webSockets.push(new URL(route.url()).pathname);
    if (proxy === 'none') route.connectToServer();
    else if (proxy === 'refuse') void route.close();
    // `silent`: a mocked socket, open in the page, never connected to the server.
  });
  return webSockets;
}

/** A person with their own browser profile, already named, behind `proxy`, opening `path`. */
async function openAs(browser: Browser, name: string, color: string, path: string, proxy: Proxy): Promise<User> {
  const context = await browser.newContext();
  contexts.push(context);
  await context.addInitScript(
    ([userName, userColor]) => localStorage.setItem('tandem.user', JSON.stringify({ name: userName, color: userColor })),
    [name, color] as const,
  );
  const webSockets = await behind(context, proxy);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${server.httpUrl}${path}`);
  return { page, errors, webSockets };
}

function status(page: Page) {
  return page.getByTestId('connection-status');
}

test('behind a proxy that refuses WebSockets, an editor co-edits over HTTP and says so', async ({ browser }) => {
  const blocked = await openAs(browser, 'Blake', '#c2185b', '/d/behind-the-firewall', 'refuse');
  const open = await openAs(browser, 'Olive', '#1565c0', '/d/behind-the-firewall', 'none');

  for (const { page } of [blocked, open]) await expect(status(page)).toHaveAttribute('data-status', 'connected');
  await expect(status(blocked.page)).toHaveAttribute('data-transport', 'http-sse');
  await expect(status(open.page)).toHaveAttribute('data-transport', 'websocket');
  expect(blocked.webSockets.length).toBeGreaterThanOrEqual(1);

  // Both type, each sees the other's text and named caret.
  await editor(blocked.page).click();
  await blocked.page.keyboard.type('Typed behind the firewall.');
  await expect.poll(() => documentText(open.page)).toContain('Typed behind the firewall.');
  await editor(open.page).click();
  await open.page.keyboard.press('Control+End');
  await open.page.keyboard.type(' Answered over a WebSocket.');
  const both = 'Typed behind the firewall. Answered over a WebSocket.';
  await expect.poll(() => documentText(blocked.page)).toBe(both);
  await expect.poll(() => documentText(open.page)).toBe(both);
  await expect(blocked.page.locator('.collaboration-carets__label', { hasText: 'Olive' })).toBeVisible();
  await editor(blocked.page).click();
  await blocked.page.keyboard.press('Control+End');
  await blocked.page.keyboard.type('!');
  await expect(open.page.locator('.collaboration-carets__label', { hasText: 'Blake' })).toBeVisible();
  await expect.poll(() => documentText(open.page)).toBe(`${both}!`);
  for (const { page } of [blocked, open]) await expect(page.getByTestId('presence-user')).toHaveCount(2);

  // The blocked editor's indicator says it is on the fallback, and why, in its tooltip; the other's does not.
  await expect(status(blocked.page)).toHaveAttribute('data-save-status', 'saved');
  await expect(status(blocked.page)).toContainText('Saved · HTTP fallback');
  await expect(status(blocked.page)).toHaveAttribute('title', /WebSockets are blocked/);
  await expect(status(open.page)).not.toContainText('HTTP');
  await blocked.page.screenshot({ path: test.info().outputPath('blocked-editor.png') });

  // What the blocked editor wrote is on the server's disk, as for anyone.
  const response = await fetch(`${server.httpUrl}/api/documents/behind-the-firewall/content?format=text`);
  expect((await response.text()).trim()).toBe(`${both}!`);

  // When the blocked editor's page closes, the other sees it go at once, as with a WebSocket.
  await blocked.page.close({ runBeforeUnload: true });
  await expect(open.page.getByTestId('presence-user')).toHaveCount(1);
  expect(blocked.errors).toEqual([]);
  expect(open.errors).toEqual([]);
});

test('behind a proxy that lets WebSockets open but carries nothing, an editor falls back after a timeout and keeps its edits', async ({ browser }) => {
  const silent = await openAs(browser, 'Sam', '#2e7d32', '/d/silent-proxy', 'silent');
  await expect(status(silent.page)).toHaveAttribute('data-status', 'connected', { timeout: 15_000 });
  await expect(status(silent.page)).toHaveAttribute('data-transport', 'http-sse');
  await editor(silent.page).click();
  await silent.page.keyboard.type('Written through a silent proxy.');
  await expect(status(silent.page)).toHaveAttribute('data-save-status', 'saved');

  // A reload goes to HTTP again (and syncs) and shows what was written.
  await silent.page.reload();
  await expect(status(silent.page)).toHaveAttribute('data-status', 'connected', { timeout: 15_000 });
  await expect(status(silent.page)).toHaveAttribute('data-transport', 'http-sse');
  await expect.poll(() => documentText(silent.page)).toBe('Written through a silent proxy.');
  expect(silent.errors).toEqual([]);
});

test('an embedded <tandem-editor> on another site falls back too, and its status line and events say so', async ({ browser }) => {
  const examples = await serveExamples();
  // A server of its own, which accepts the example site's origin (for WebSockets and the HTTP fallback alike).
  const embedServer = await TestServer.start({ args: ['--allowed-origins', examples.url] });
  try {
    const context = await browser.newContext();
    contexts.push(context);
    await behind(context, 'refuse');
    const visitor = await openVisitor(context, `${examples.url}/element.html?${new URLSearchParams({ server: embedServer.httpUrl, document: 'embedded-fallback', name: 'Ada', color: '#c62828' })}`);
    const { page } = visitor;
    const element = page.getByTestId('element');
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      document.addEventListener('tandem-status', (event) => seen.push(`${event.detail.status} ${event.detail.transport}`));
    });
    await expect(element).toHaveAttribute('data-status', 'connected');
    await expect(element).toHaveAttribute('data-transport', 'http-sse');
    await element.locator('.ProseMirror').click();
    await page.keyboard.type('Embedded, behind a firewall.');
    await expect(element).toHaveAttribute('data-save-status', 'saved');
    await expect(page.getByTestId('tandem-status')).toContainText('Saved · HTTP fallback');
    await expect(page.getByTestId('tandem-status').locator('[role="status"]')).toHaveAttribute('title', /WebSockets are blocked/);
    await page.screenshot({ path: test.info().outputPath('blocked-embed.png') });
    // Frames went both ways across origins (CORS), and reached the server's disk.
    const response = await fetch(`${embedServer.httpUrl}/api/documents/embedded-fallback/content?format=text`);
    expect((await response.text()).trim()).toBe('Embedded, behind a firewall.');
    // The page hears of the status with its transport (the first editor connected before this listener came: open another).
    await page.evaluate(() => document.querySelector('tandem-editor')?.setAttribute('document', 'embedded-fallback-2'));
    await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toContain('connected http-sse');
    expect(visitor.errors).toEqual([]);
    expect(visitor.cspViolations).toEqual([]);
  } finally {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
    await embedServer.dispose();
    await examples.close();
  }
});
