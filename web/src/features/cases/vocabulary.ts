/** The tenant's case-type vocabulary: labels for keys, and the statuses a case type allows. */
import type { CaseType, Status } from "../records/types.js";

export const caseTypeLabel = (types: readonly CaseType[], key: string | null): string =>
  key === null ? "—" : (types.find((t) => t.key === key)?.label ?? key);

/** The statuses of a case type; every status of every type (once each) when the type is unknown or unset. */
export function statusesFor(types: readonly CaseType[], caseType: string | null): Status[] {
  const own = types.find((t) => t.key === caseType);
  if (own) return own.statuses;
  const seen = new Map<string, Status>();
  for (const type of types)
    for (const status of type.statuses) if (!seen.has(status.key)) seen.set(status.key, status);
  return [...seen.values()];
}

export const statusLabel = (
  types: readonly CaseType[],
  caseType: string | null,
  status: string | null,
): string =>
  status === null ? "—" : (statusesFor(types, caseType).find((s) => s.key === status)?.label ?? status);

export function substatusLabel(
  types: readonly CaseType[],
  caseType: string | null,
  status: string,
  substatus: string | null,
): string {
  if (substatus === null) return "";
  const own = statusesFor(types, caseType).find((s) => s.key === status);
  return own?.substatuses.find((s) => s.key === substatus)?.label ?? substatus;
}

/** "new_lead" → "New lead": a readable default for keys without a label. */
export const humanise = (key: string): string => {
  const text = key.replace(/[_-]+/g, " ").trim();
  return text ? text[0]!.toUpperCase() + text.slice(1) : key;
};
