/** Small list edits the settings editors share (pure, so the order rules live in one place). */

export function move<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  if (target < 0 || target >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}

export const replaceAt = <T>(list: readonly T[], index: number, item: T): T[] =>
  list.map((current, i) => (i === index ? item : current));

export const removeAt = <T>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index);

/** "Slip and fall" → "slip_and_fall": the key a new entry gets from its label until someone edits it. */
export const keyOf = (label: string): string =>
  label
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);

/** The first key that two entries of one list share, if any. */
export function duplicateKey(items: ReadonlyArray<{ key: string }>): string | null {
  const seen = new Set<string>();
  for (const { key } of items) {
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return null;
}
