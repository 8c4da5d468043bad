/**
 * For CRMs whose cases carry their client's name, phone and email as `client.*` fields: the ones a
 * write changes, renamed to the contact's own field names (`names`), to update the contact with.
 */
export function changedClientFields(
  wanted: Record<string, unknown>,
  held: Record<string, unknown>,
  names: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [from, to] of Object.entries(names)) {
    if (from in wanted && String(wanted[from] ?? "") !== String(held[from] ?? "")) out[to] = wanted[from];
  }
  return out;
}
