import type { ClientFields, ClientPatch } from "../records/client.js";
import type { DataKind, FoundData } from "./types.js";

/**
 * What enrichment writes to a client. `fill_empty` writes a field only when it is empty;
 * `overwrite` also replaces a value — a scalar is replaced, a found phone, email or address goes
 * first in its list (the others stay). Either way a field a person edited by hand is never
 * changed, and each written field names the provider that gave it (its provenance).
 */
export type WriteRule = "fill_empty" | "overwrite";

/** The client fields enrichment writes, and the data kind each belongs to. */
export const ENRICHED_FIELDS = {
  phones: "phone",
  emails: "email",
  addresses: "address",
  first_name: "demographics",
  last_name: "demographics",
  date_of_birth: "demographics",
} as const satisfies Record<string, DataKind>;

export type EnrichedField = keyof typeof ENRICHED_FIELDS;

export interface WritePlan {
  patch: ClientPatch;
  /** The fields the patch writes. */
  written: EnrichedField[];
}

type CurrentFields = Pick<ClientFields, EnrichedField>;

export function planWrites(
  current: CurrentFields,
  found: FoundData,
  wanted: DataKind[],
  rule: WriteRule,
  handEdited: ReadonlySet<string>,
): WritePlan {
  const patch: ClientPatch = {};
  const written: EnrichedField[] = [];
  const may = (field: EnrichedField, empty: boolean): boolean =>
    wanted.includes(ENRICHED_FIELDS[field]) && !handEdited.has(field) && (empty || rule === "overwrite");

  const phones = found.phones ?? [];
  if (phones.length > 0 && may("phones", current.phones.length === 0)) {
    const known = new Set(current.phones.map((p) => p.number));
    const fresh = phones.filter((p) => !known.has(p.number));
    if (fresh.length > 0) {
      patch.phones = [...fresh, ...current.phones].slice(0, 20);
      written.push("phones");
    }
  }
  const emails = found.emails ?? [];
  if (emails.length > 0 && may("emails", current.emails.length === 0)) {
    const known = new Set(current.emails.map((e) => e.toLowerCase()));
    const fresh = emails.map((e) => e.toLowerCase()).filter((e) => !known.has(e));
    if (fresh.length > 0) {
      patch.emails = [...fresh, ...current.emails].slice(0, 20);
      written.push("emails");
    }
  }
  const addresses = found.addresses ?? [];
  if (addresses.length > 0 && may("addresses", current.addresses.length === 0)) {
    const key = (a: { street?: string; postal_code?: string }) =>
      `${a.street ?? ""}|${a.postal_code ?? ""}`.toLowerCase();
    const known = new Set(current.addresses.map(key));
    const fresh = addresses.filter((a) => !known.has(key(a)));
    if (fresh.length > 0) {
      patch.addresses = [...fresh, ...current.addresses].slice(0, 10);
      written.push("addresses");
    }
  }
  for (const field of ["first_name", "last_name", "date_of_birth"] as const) {
    const value = found[field];
    if (value === undefined || value === current[field]) continue;
    if (may(field, current[field] === null || current[field] === "")) {
      patch[field] = value;
      written.push(field);
    }
  }
  return { patch, written };
}

/**
 * The fields a person edited by hand, from the client's change events: a change through the API
 * (the dashboard and scripts write through it) of one of the fields enrichment writes.
 */
export function handEditedFields(changes: Array<{ change_source: string; fields: string[] }>): Set<string> {
  const out = new Set<string>();
  for (const change of changes) {
    if (change.change_source !== "api") continue;
    for (const field of change.fields) if (field in ENRICHED_FIELDS) out.add(field);
  }
  return out;
}
