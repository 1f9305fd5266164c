import type { Locator, Page } from '@playwright/test';

/** The editable document on a Tandem document page. */
export function editor(page: Page): Locator {
  return page.locator('[data-testid="editor"] .ProseMirror');
}

/**
 * The document's text as its reader sees it: the editor's text without the
 * other people's caret widgets (whose name labels sit inside the editable DOM),
 * one line per block.
 */
export function documentText(page: Page): Promise<string> {
  return editor(page).evaluate((element) => {
    const copy = element.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
    return [...copy.children].map((block) => block.textContent ?? '').join('\n');
  });
}
