/** Attribute values for `h`: `true` sets an empty attribute, `false`/`null`/`undefined` leave it out. */
export type Attributes = Record<string, string | number | boolean | null | undefined>;

/** What `h` accepts as children: strings become text nodes, falsy values are skipped. */
export type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes and children. Text is always inserted as
 * text, never parsed as HTML, so names from peers or the server are safe.
 *
 * @example
 * h('a', { href: '/', class: 'wordmark' }, 'Tandem')
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}
