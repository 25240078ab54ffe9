/** Longest event name accepted. */
export const MAX_NAME_LENGTH = 256;

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why `name` cannot be an event name (`'invalid-name'` with a message), or
 * `undefined` when it can: a non-empty string of at most 256 characters
 * without control characters.
 */
export function checkEventName(name: unknown): string | undefined {
  if (typeof name !== 'string') return `event name must be a string, got ${typeof name}`;
  if (name.length === 0) return 'event name is empty';
  if (name.length > MAX_NAME_LENGTH) return `event name is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (CONTROL.test(name)) return 'event name contains control characters';
  return undefined;
}
