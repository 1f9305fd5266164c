const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** `true` for `#rrggbb` strings, the only colour format the caret extension accepts. */
export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && HEX_COLOR.test(value);
}
