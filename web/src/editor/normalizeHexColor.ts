import { isHexColor } from './isHexColor.js';

const SHORT_HEX_COLOR = /^#([0-9a-fA-F])([0-9a-fA-F])([0-9a-fA-F])$/;

/**
 * A colour as `#rrggbb`, the only format the caret extension accepts: `#rgb`
 * (which access tokens may carry) is expanded, anything else is `null`.
 *
 * @example
 * normalizeHexColor('#1565c0') // '#1565c0'
 * normalizeHexColor('#abc')    // '#aabbcc'
 * normalizeHexColor('red')     // null
 */
export function normalizeHexColor(value: unknown): string | null {
  if (isHexColor(value)) return value;
  if (typeof value !== 'string') return null;
  const short = SHORT_HEX_COLOR.exec(value);
  return short ? `#${short.slice(1).map((digit) => digit + digit).join('')}` : null;
}
