import type { FoundData, LookupInput } from "../../../domain/enrichment/types.js";
import { isRecord, str } from "../http.js";
import { confidence, e164, email, phoneType, unique } from "../map-common.js";

/**
 * EnformionGO Contact Enrich (`POST /Contact/Enrich`, search type DevAPIContactEnrich) ↔ our
 * shapes. The request names the person by at least two of name, phone, email and address; the
 * answer is the top match as `person` with `name`, `age`, `addresses`, `phones`, `emails`.
 */
export function enformionBody(input: LookupInput): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (input.first_name && input.last_name) {
    body.FirstName = input.first_name;
    body.LastName = input.last_name;
  }
  // EnformionGO reads US numbers as 10 digits.
  if (input.phone) body.Phone = input.phone.replace(/^\+1/, "").replace(/\D/g, "");
  if (input.email) body.Email = input.email;
  const a = input.address;
  if (a?.street) {
    const line2 = [a.city, [a.state, a.postal_code].filter(Boolean).join(" ")].filter(Boolean).join(", ");
    body.Address = { addressLine1: a.street, addressLine2: line2 };
  }
  return body;
}

/** `{person, identityScore, …}` → found data; `person` null means no match; null when unreadable. */
export function enformionPerson(json: unknown): { found: FoundData; confidence: number } | "none" | null {
  if (!isRecord(json)) return null;
  if (json.person === null || json.person === undefined) return "none";
  const p = json.person;
  if (!isRecord(p)) return null;
  const found: FoundData = {};
  const phones = unique(
    (Array.isArray(p.phones) ? p.phones : []).filter(isRecord).map((ph) => {
      const number = e164(ph.number);
      return number ? { number, type: phoneType(ph.type) } : undefined;
    }),
    (ph) => ph.number,
  );
  if (phones.length > 0) found.phones = phones;
  const emails = unique(
    (Array.isArray(p.emails) ? p.emails : []).filter(isRecord).map((e) => email(e.email)),
  );
  if (emails.length > 0) found.emails = emails;
  const addresses = (Array.isArray(p.addresses) ? p.addresses : []).filter(isRecord).flatMap((a) => {
    const street = [str(a.street), str(a.unit)].filter(Boolean).join(" ");
    if (street === "") return [];
    return [
      {
        street,
        ...(str(a.city) ? { city: str(a.city) } : {}),
        ...(str(a.state) ? { state: str(a.state) } : {}),
        ...(str(a.zip) ? { postal_code: str(a.zip) } : {}),
      },
    ];
  });
  if (addresses.length > 0) found.addresses = addresses;
  if (isRecord(p.name)) {
    const first = str(p.name.firstName);
    const last = str(p.name.lastName);
    if (first && last) {
      found.first_name = first;
      found.last_name = last;
    }
  }
  const age = typeof p.age === "number" ? String(p.age) : str(p.age);
  if (age) found.demographics = { age_range: age };
  const score = typeof json.identityScore === "number" ? json.identityScore / 100 : 0.5;
  return { found, confidence: confidence(score) };
}
