import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findChromium, SYSTEM_CHROMIUM_ARGS } from '../support/findChromium.js';

describe('findChromium (which browser the end-to-end tests drive)', () => {
  it('uses TANDEM_CHROMIUM_PATH first, with the flags a sandboxed offline machine needs', () => {
    const choice = findChromium({ TANDEM_CHROMIUM_PATH: process.execPath });
    expect(choice).toEqual({ executablePath: process.execPath, args: SYSTEM_CHROMIUM_ARGS, source: 'TANDEM_CHROMIUM_PATH' });
    expect(SYSTEM_CHROMIUM_ARGS).toEqual(expect.arrayContaining(['--no-sandbox', '--disable-background-networking', '--disable-component-update']));
  });

  it('says so clearly when TANDEM_CHROMIUM_PATH points nowhere', () => {
    expect(() => findChromium({ TANDEM_CHROMIUM_PATH: '/nonexistent/chrome' })).toThrow('TANDEM_CHROMIUM_PATH=/nonexistent/chrome does not exist');
  });

  it('otherwise finds a browser on this machine (Playwright’s own or the system one)', () => {
    const choice = findChromium({});
    if (choice.source === 'system') expect(existsSync(choice.executablePath!)).toBe(true);
    else expect(choice).toMatchObject({ source: 'playwright', executablePath: undefined });
  });
});
