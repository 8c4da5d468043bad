import type { FoundData } from "../../../domain/enrichment/types.js";
import { isRecord, str } from "../http.js";

/** The data packages we ask Twilio Lookup v2 for (each priced per request). */
export const TWILIO_FIELDS = ["line_type_intelligence", "caller_name"] as const;

/**
 * Twilio Lookup v2 (`GET /v2/PhoneNumbers/{number}?Fields=…`) ↔ our shapes: `valid`,
 * `line_type_intelligence.type` / `carrier_name`, and `caller_name.caller_name` with its
 * `caller_type` (a CONSUMER's name is split into first and last; a BUSINESS name is kept as is).
 */
export function twilioLookup(
  json: unknown,
): { found: FoundData; confidence: number; fields: string[] } | "none" | null {
  if (!isRecord(json) || typeof json.valid !== "boolean" || typeof json.phone_number !== "string")
    return null;
  if (!json.valid) return "none";
  const fields: string[] = [];
  const demographics: NonNullable<FoundData["demographics"]> = {};
  const found: FoundData = {};
  const lti = json.line_type_intelligence;
  if (isRecord(lti)) {
    fields.push("line_type_intelligence");
    if (str(lti.type)) demographics.line_type = str(lti.type);
    if (str(lti.carrier_name)) demographics.carrier = str(lti.carrier_name);
  }
  const cnam = json.caller_name;
  if (isRecord(cnam)) {
    fields.push("caller_name");
    const name = str(cnam.caller_name);
    if (name) {
      demographics.caller_name = name;
      const parts = name.split(/\s+/);
      if (cnam.caller_type === "CONSUMER" && parts.length >= 2) {
        // CNAM is often "LAST FIRST" or "FIRST LAST"; Twilio does not say which, so we take it as written.
        found.first_name = titleCase(parts[0] ?? "");
        found.last_name = titleCase(parts.slice(1).join(" "));
      }
    }
  }
  if (Object.keys(demographics).length > 0) found.demographics = demographics;
  const any = Object.keys(found).length > 0;
  return any ? { found, confidence: 0.6, fields } : "none";
}

function titleCase(value: string): string {
  return value.toLowerCase().replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}
