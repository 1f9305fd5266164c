import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test, type Download, type Page } from '@playwright/test';
import { createContentCodec } from '../../common/content/createContentCodec.js';
import { createDocumentOnServer } from '../support/documentApi.js';
import { documentText, editor } from '../support/editorPage.js';
import { openAs } from '../support/openAs.js';
import { sharedServerPerFile } from '../support/sharedServerPerFile.js';
import type { TestServer } from '../support/TestServer.js';

/** Every block and mark Tandem holds, written exactly as its Markdown serializer writes it. */
const FIXTURE_PATH = fileURLToPath(new URL('../fixtures/everything.md', import.meta.url));
const TITLE = 'Everything Tandem holds';

// One server for the file: every test works on documents of its own names.
let server: TestServer;
let fixture: string;

test.beforeAll(async () => {
  fixture = await readFile(FIXTURE_PATH, 'utf8');
});
sharedServerPerFile((started) => (server = started));

const ALICE = { name: 'Alice', color: '#c62828' };
const BOB = { name: 'Bob', color: '#1565c0' };
const status = (page: Page) => page.getByTestId('connection-status');

/** Chooses `format` in the Export menu and reads the downloaded file. */
async function exportAs(page: Page, format: 'markdown' | 'html' | 'json'): Promise<{ download: Download; text: string }> {
  await page.getByTestId('export-button').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`export-${format}`).click()]);
  const path = await download.path();
  return { download, text: await readFile(path, 'utf8') };
}

test('the fixture is in the serializer’s canonical form', () => {
  const codec = createContentCodec();
  expect(codec.toMarkdown(codec.fromMarkdown(fixture))).toBe(fixture);
});

test('a Markdown file imported through the list page exports as the same Markdown, byte for byte, and as well-formed HTML and JSON', async ({ browser }) => {
  const { page, errors } = await openAs(browser, server, ALICE, '/');
  await page.getByTestId('import-file-input').setInputFiles(FIXTURE_PATH);
  await expect(page).toHaveURL(`${server.httpUrl}/d/everything`);
  await expect(status(page)).toHaveAttribute('data-status', 'connected');
  await expect(editor(page).locator('table')).toBeVisible();

  const markdown = await exportAs(page, 'markdown');
  expect(markdown.download.suggestedFilename()).toBe('everything.md');
  expect(markdown.text).toBe(fixture);

  const html = await exportAs(page, 'html');
  expect(html.download.suggestedFilename()).toBe('everything.html');
  expect(html.text).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
  expect(html.text).toContain(`<title>${TITLE}</title>`);
  expect(html.text.trimEnd().endsWith('</html>')).toBe(true);
  // Parsed by the browser, it holds every kind of block and mark.
  const parsed = await page.evaluate((text) => {
    const document = new DOMParser().parseFromString(text, 'text/html');
    const count = (selector: string) => document.querySelectorAll(selector).length;
    return {
      title: document.title,
      h1: document.querySelector('h1')?.textContent,
      blocks: ['h1', 'h2', 'h3', 'ul li ul li', 'ol li', 'ul[data-type="taskList"] li', 'blockquote', 'pre code', 'hr', 'table tr'].map(count),
      marks: ['strong', 'em', 's', 'p code', 'mark', 'a[href="https://example.com/docs"]'].map(count),
      checked: count('li[data-checked="true"]'),
    };
  }, html.text);
  expect(parsed).toEqual({ title: TITLE, h1: TITLE, blocks: [1, 1, 1, 1, 3, 2, 1, 1, 1, 3], marks: [1, 1, 1, 1, 1, 1], checked: 1 });

  const json = await exportAs(page, 'json');
  expect(json.download.suggestedFilename()).toBe('everything.json');
  const exported = createContentCodec().checkDocument(JSON.parse(json.text));
  // The same document the Markdown describes, in the shape the HTTP API accepts.
  expect(exported).toEqual(createContentCodec().fromMarkdown(fixture));
  expect(errors).toEqual([]);
});

test('two people opening a freshly imported document at the same moment each see its content once, also after a reload', async ({ browser }) => {
  await createDocumentOnServer(server, 'fresh-import', fixture);
  const blocks = createContentCodec().fromMarkdown(fixture).content?.length ?? 0;
  const [alice, bob] = await Promise.all([
    openAs(browser, server, ALICE, '/d/fresh-import'),
    openAs(browser, server, BOB, '/d/fresh-import'),
  ]);

  async function expectOneCopy(page: Page): Promise<void> {
    await expect(status(page)).toHaveAttribute('data-status', 'connected');
    await expect(editor(page).locator('table')).toBeVisible();
    await expect(editor(page).locator('h1')).toHaveCount(1);
    await expect(editor(page).locator('h1')).toHaveText(TITLE);
    await expect(editor(page).locator('table')).toHaveCount(1);
    // Exactly as many top-level blocks as one copy has: no editor added anything of its own (not even an
    // empty paragraph after the closing table, which is why documentExtensions turns TrailingNode off).
    await expect.poll(() => editor(page).evaluate((element) => element.children.length)).toBe(blocks);
  }

  for (const { page } of [alice, bob]) await expectOneCopy(page);
  const aliceText = await documentText(alice.page);
  expect(aliceText.split(TITLE)).toHaveLength(2);
  await expect.poll(() => documentText(bob.page)).toBe(aliceText);

  await Promise.all([alice.page.reload(), bob.page.reload()]);
  for (const { page } of [alice, bob]) {
    await expectOneCopy(page);
    await expect.poll(() => documentText(page)).toBe(aliceText);
  }
  expect(alice.errors).toEqual([]);
  expect(bob.errors).toEqual([]);
});
