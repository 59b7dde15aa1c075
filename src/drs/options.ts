/** Helpers for options objects whose defaults come from constants.ts. */

/** `options` without its undefined members, so `{ ...defaults, ...definedOnly(options) }` keeps the defaults. O(keys). */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
