import { defineConfig } from '@playwright/test';
import { findChromium } from '../support/findChromium.js';

const browser = findChromium();

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results',
  fullyParallel: false,
  // Each test starts its own server; two workers fit the 2-core CI machine.
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: browser.executablePath, args: browser.args },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
