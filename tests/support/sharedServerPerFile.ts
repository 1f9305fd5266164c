import { test } from '@playwright/test';
import { TestServer } from './TestServer.js';

/**
 * One server for a whole spec file (every test uses documents of its own
 * names): started before the first test, handed to `onStart`, disposed after
 * the last. After each test every browser profile is closed, so nobody from
 * it stays in a document or keeps reconnecting.
 *
 * @example
 * let server: TestServer;
 * sharedServerPerFile((started) => (server = started));
 */
export function sharedServerPerFile(onStart: (server: TestServer) => void): void {
  let server: TestServer | null = null;
  test.beforeAll(async () => {
    server = await TestServer.start();
    onStart(server);
  });
  test.afterEach(async ({ browser }) => {
    await Promise.all(browser.contexts().map((context) => context.close()));
  });
  test.afterAll(async () => {
    await server?.dispose();
  });
}
