/** `true` on macOS and iOS, where shortcuts use ⌘ instead of Ctrl. */
export function isApplePlatform(navigator: Navigator): boolean {
  return /Mac|iPhone|iPad|iPod/.test(navigator.userAgent);
}
