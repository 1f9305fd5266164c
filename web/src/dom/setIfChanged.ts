/**
 * Sets a property of a DOM object only when the value differs. Writing the same value again is
 * still a change to mutation observers, and re-setting a live region's text can make screen
 * readers announce it again.
 *
 * @example
 * setIfChanged(label, 'textContent', 'Saved');
 * setIfChanged(element.dataset, 'status', 'connected');
 */
export function setIfChanged<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): void {
  if (target[key] !== value) target[key] = value;
}
