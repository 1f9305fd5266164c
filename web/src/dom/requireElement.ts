/** Finds an element the page's HTML must contain, failing loudly when it is missing. */
export function requireElement(root: ParentNode, selector: string): HTMLElement {
  const element = root.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`Tandem: the page has no ${selector} element`);
  return element;
}
