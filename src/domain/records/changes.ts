/** One changed field: what it was and what it is now (null when unset). */
export interface FieldChange {
  old: unknown;
  new: unknown;
}

export type Changes = Record<string, FieldChange>;

/**
 * The fields whose values differ between two versions of a record, in `fields` order. Values
 * are compared by content (arrays in order, objects whatever their key order), so rewriting the
 * same phone list or custom fields is no change.
 */
export function changesBetween<T extends object>(
  before: T,
  after: T,
  fields: ReadonlyArray<keyof T & string>,
): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const old = before[field] ?? null;
    const now = after[field] ?? null;
    if (!sameValue(old, now)) changes[field] = { old, new: now };
  }
  return changes;
}

/** Deep equality of JSON values. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameValue(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left).filter((k) => left[k] !== undefined);
  const otherKeys = Object.keys(right).filter((k) => right[k] !== undefined);
  return keys.length === otherKeys.length && keys.every((k) => sameValue(left[k], right[k]));
}
