/**
 * A body without the `null`s that change nothing (the field is empty and stays empty): a create
 * then sends only what was filled in, and a patch names only fields that really change. The
 * server also reads a `null` date as text and refuses it, so an untouched empty date must not be sent.
 */
export function withoutUnchangedNulls(
  body: Record<string, unknown>,
  original: object | null,
): Record<string, unknown> {
  const before = (original ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => value !== null || (before[key] ?? null) !== null),
  );
}
