import type { Browser, BrowserContextOptions, Page } from '@playwright/test';
import type { TestServer } from './TestServer.js';

export interface Person {
  page: Page;
  /** Uncaught exceptions on the page; a healthy page has none. */
  errors: Error[];
}

/**
 * Someone with their own browser profile, already named (`tandem.user` in
 * localStorage), opening `path` on `server`. `contextOptions` go to the new
 * context (colour scheme, viewport, …).
 *
 * @example
 * const alice = await openAs(browser, server, { name: 'Alice', color: '#c62828' }, '/d/notes');
 */
export async function openAs(
  browser: Browser,
  server: TestServer,
  user: { name: string; color: string },
  path: string,
  contextOptions: BrowserContextOptions = {},
): Promise<Person> {
  const context = await browser.newContext(contextOptions);
  await context.addInitScript((stored) => localStorage.setItem('tandem.user', JSON.stringify(stored)), user);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (error) => errors.push(error));
  await page.goto(`${server.httpUrl}${path}`);
  return { page, errors };
}
