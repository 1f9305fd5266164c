const APPLE_KEYS: Record<string, string> = { Mod: '⌘', Shift: '⇧', Alt: '⌥', Ctrl: '⌃' };

/**
 * Shows a TipTap shortcut the way the platform writes it.
 *
 * @example
 * shortcutLabel('Mod-Shift-S', false) // 'Ctrl+Shift+S'
 * shortcutLabel('Mod-Shift-S', true)  // '⇧⌘S'
 */
export function shortcutLabel(shortcut: string, apple: boolean): string {
  const keys = shortcut.split('-');
  if (!apple) return keys.map((key) => (key === 'Mod' ? 'Ctrl' : key)).join('+');
  // Apple order: modifiers (⌃⌥⇧⌘) first, then the key.
  const order = ['Ctrl', 'Alt', 'Shift', 'Mod'];
  const modifiers = keys.filter((key) => order.includes(key)).sort((a, b) => order.indexOf(a) - order.indexOf(b));
  const rest = keys.filter((key) => !order.includes(key));
  return [...modifiers.map((key) => APPLE_KEYS[key] ?? key), ...rest].join('');
}
