import { existsSync } from 'node:fs';
import { chromium } from '@playwright/test';

/** Flags for a system Chromium in a sandboxed, offline CI container. */
export const SYSTEM_CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SYSTEM_CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export interface ChromiumChoice {
  /** Undefined means "Playwright's own browser". */
  executablePath: string | undefined;
  args: string[];
  source: 'TANDEM_CHROMIUM_PATH' | 'playwright' | 'system';
}

/**
 * Picks the browser for end-to-end tests: an explicit path from
 * `TANDEM_CHROMIUM_PATH`, else Playwright's own Chromium if installed
 * (`npx playwright install chromium`), else Debian's `/usr/bin/chromium`.
 * Throws with instructions when there is none.
 */
export function findChromium(env: Record<string, string | undefined> = process.env): ChromiumChoice {
  const explicit = env.TANDEM_CHROMIUM_PATH;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`TANDEM_CHROMIUM_PATH=${explicit} does not exist`);
    return { executablePath: explicit, args: SYSTEM_CHROMIUM_ARGS, source: 'TANDEM_CHROMIUM_PATH' };
  }
  if (existsSync(chromium.executablePath())) return { executablePath: undefined, args: [], source: 'playwright' };
  const system = SYSTEM_CHROMIUM_PATHS.find((path) => existsSync(path));
  if (system) return { executablePath: system, args: SYSTEM_CHROMIUM_ARGS, source: 'system' };
  throw new Error(
    'No Chromium found for the end-to-end tests. Do one of:\n' +
      '  npx playwright install chromium      (Playwright downloads its own browser)\n' +
      '  apt-get install -y chromium          (Debian/Ubuntu system browser)\n' +
      '  TANDEM_CHROMIUM_PATH=/path/to/chrome  (any Chromium or Chrome binary)',
  );
}
