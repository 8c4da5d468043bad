import type { FoundData, LookupInput } from "../../../domain/enrichment/types.js";
import { isRecord, str } from "../http.js";
import { calendarDate, confidence, e164, email, unique } from "../map-common.js";

/**
 * People Data Labs person enrichment (`GET /v5/person/enrich`) ↔ our shapes. Fields a plan does
 * not include come back as `true`/`false` instead of a value: those are skipped, never written.
 */

/** Query parameters for the person: PDL matches on any of phone, email, or name with a location. */
export function pdlQuery(input: LookupInput, minLikelihood: number): URLSearchParams {
  const q = new URLSearchParams();
  if (input.phone) q.set("phone", input.phone);
  if (input.email) q.set("email", input.email);
  if (input.first_name && input.last_name) {
    q.set("first_name", input.first_name);
    q.set("last_name", input.last_name);
  }
  const a = input.address;
  if (a?.street) q.set("street_address", a.street);
  if (a?.city) q.set("locality", a.city);
  if (a?.state) q.set("region", a.state);
  if (a?.postal_code) q.set("postal_code", a.postal_code);
  q.set("min_likelihood", String(minLikelihood));
  q.set("titlecase", "true");
  return q;
}

/** A 200 answer `{status, likelihood, data}`, or null when it is not that shape. */
export function pdlPerson(json: unknown): { found: FoundData; confidence: number } | null {
  if (!isRecord(json) || !isRecord(json.data) || typeof json.likelihood !== "number") return null;
  const p = json.data;
  const emailValues: unknown[] = [];
  if (Array.isArray(p.emails)) {
    for (const e of p.emails) emailValues.push(isRecord(e) ? e.address : e);
  }
  if (Array.isArray(p.personal_emails)) emailValues.push(...p.personal_emails);
  emailValues.push(p.recommended_personal_email, p.work_email);
  const phones = unique(
    [p.mobile_phone, ...(Array.isArray(p.phone_numbers) ? p.phone_numbers : [])].map(e164),
  ).map((number, i) => ({
    number,
    type: i === 0 && str(p.mobile_phone) ? ("mobile" as const) : ("other" as const),
  }));
  const street = str(p.location_street_address) ?? str(p.street_address);
  const address = {
    ...(street ? { street } : {}),
    ...((str(p.location_locality) ?? str(p.locality))
      ? { city: str(p.location_locality) ?? str(p.locality) }
      : {}),
    ...((str(p.location_region) ?? str(p.region)) ? { state: str(p.location_region) ?? str(p.region) } : {}),
    ...((str(p.location_postal_code) ?? str(p.postal_code))
      ? { postal_code: str(p.location_postal_code) ?? str(p.postal_code) }
      : {}),
  };
  const found: FoundData = {};
  if (phones.length > 0) found.phones = phones;
  const emails = unique(emailValues.map(email));
  if (emails.length > 0) found.emails = emails;
  if (address.street) found.addresses = [address];
  const first = str(p.first_name);
  const last = str(p.last_name);
  if (first && last) {
    found.first_name = first;
    found.last_name = last;
  }
  const dob = calendarDate(p.birth_date);
  if (dob) found.date_of_birth = dob;
  const gender = str(p.sex);
  if (gender) found.demographics = { gender };
  // likelihood is PDL's 1–10 match score.
  return { found, confidence: confidence(json.likelihood / 10) };
}
