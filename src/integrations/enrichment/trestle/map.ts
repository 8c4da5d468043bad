import type { FoundData } from "../../../domain/enrichment/types.js";
import { isRecord, str } from "../http.js";
import { e164, email, unique } from "../map-common.js";

/**
 * Trestle Reverse Phone (`GET /3.2/phone`) ↔ our shapes: `is_valid`, `line_type`, `carrier` and
 * `owners` (people or businesses, each with `current_addresses`, `emails`, `alternate_phones`).
 * Trestle gives no match score; the first owner of a valid number is taken at 0.8.
 */
export function trestlePerson(json: unknown): { found: FoundData; confidence: number } | "none" | null {
  if (!isRecord(json) || typeof json.is_valid !== "boolean" || !("owners" in json)) return null;
  const owners = json.owners;
  if (owners !== null && !Array.isArray(owners)) return null;
  const found: FoundData = {};
  const demographics: NonNullable<FoundData["demographics"]> = {};
  if (str(json.line_type)) demographics.line_type = str(json.line_type);
  if (str(json.carrier)) demographics.carrier = str(json.carrier);
  const person =
    (owners ?? []).filter(isRecord).find((o) => o.type === "Person") ?? (owners ?? []).filter(isRecord)[0];
  // A number without an owner is no match: line type alone is not a person.
  if (!json.is_valid || !person) return "none";
  const first = str(person.firstname);
  const last = str(person.lastname);
  if (first && last && person.type === "Person") {
    found.first_name = first;
    found.last_name = last;
  }
  if (str(person.age_range)) demographics.age_range = str(person.age_range);
  if (str(person.gender)) demographics.gender = str(person.gender);
  const addresses = (Array.isArray(person.current_addresses) ? person.current_addresses : [])
    .filter(isRecord)
    .flatMap((a) => {
      const street = [str(a.street_line_1), str(a.street_line_2)].filter(Boolean).join(" ");
      if (street === "") return [];
      return [
        {
          street,
          ...(str(a.city) ? { city: str(a.city) } : {}),
          ...(str(a.state_code) ? { state: str(a.state_code) } : {}),
          ...(str(a.postal_code) ? { postal_code: str(a.postal_code) } : {}),
        },
      ];
    });
  if (addresses.length > 0) found.addresses = addresses;
  const emails = unique(
    (Array.isArray(person.emails) ? person.emails : []).map((e) => email(isRecord(e) ? e.email_address : e)),
  );
  if (emails.length > 0) found.emails = emails;
  const phones = unique(
    (Array.isArray(person.alternate_phones) ? person.alternate_phones : []).filter(isRecord).map((p) => {
      const number = e164(p.phone_number);
      return number ? { number, type: "other" as const } : undefined;
    }),
    (p) => p.number,
  );
  if (phones.length > 0) found.phones = phones;
  if (Object.keys(demographics).length > 0) found.demographics = demographics;
  return { found, confidence: 0.8 };
}
