import type { BrowserContext, Page } from '@playwright/test';

/** A page opened by `openVisitor`, with what went wrong in it so far. */
export interface Visitor {
  page: Page;
  /** Uncaught exceptions in the page or its frames; a healthy page has none. */
  errors: Error[];
  /** Content-Security-Policy violations in any frame, and the console's "Refused to …" lines. */
  cspViolations: string[];
  /** Everything the page logged, for the messages only the console carries (a refused frame). */
  console: string[];
}

/**
 * Opens `url` in `context` and records its errors and CSP violations (the
 * server sends a strict policy, so a healthy page has none). `storedName` is
 * the name Tandem's app remembers for this browser (`tandem.user`).
 */
export async function openVisitor(context: BrowserContext, url: string, options: { storedName?: string } = {}): Promise<Visitor> {
  const cspViolations: string[] = [];
  // A binding survives reloads and navigations, unlike state in the page.
  await context.exposeBinding('reportCspViolation', (_source, text: string) => cspViolations.push(text));
  await context.addInitScript((storedName) => {
    if (storedName) localStorage.setItem('tandem.user', JSON.stringify({ name: storedName, color: '#2e7d32' }));
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      report(`${event.violatedDirective} blocked ${event.blockedURI || 'inline code'} in ${event.sourceFile}:${event.lineNumber}`);
    });
  }, options.storedName ?? null);
  const page = await context.newPage();
  const errors: Error[] = [];
  const messages: string[] = [];
  page.on('pageerror', (error) => errors.push(error));
  page.on('console', (message) => {
    messages.push(`${message.type()}: ${message.text()}`);
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(url);
  return { page, errors, cspViolations, console: messages };
}
