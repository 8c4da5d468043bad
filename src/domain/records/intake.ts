import type { CountryCode } from "libphonenumber-js";
import { normaliseEmail } from "./client.js";
import { toE164 } from "./phone.js";

/**
 * Intake from calls: which events open a lead, and what the lead is made of. Pure: the event's
 * data in, the request an intake job carries out (its payload) or null.
 */

/** The event that opens a lead: a finished call. */
export const INTAKE_EVENT_TYPE = "call.ended";

/** What an intake job needs, copied from the event so retention purging its payload loses nothing. */
export interface IntakeRequest {
  call_id: string;
  /** The caller's number in E.164. */
  phone: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  campaign_id: string | null;
  case_type: string | null;
  summary: string | null;
}

/**
 * The lead an event asks for: an inbound `call.ended` with a call id and a caller number that is a
 * real phone number (read in `region` when written without a country code). Anonymous callers,
 * outbound calls and other events open nothing.
 */
export function intakeRequestOf(
  type: string,
  data: Record<string, unknown>,
  region: CountryCode,
): IntakeRequest | null {
  if (type !== INTAKE_EVENT_TYPE || data.direction !== "inbound") return null;
  const callId = text(data.call_id);
  const customer = isObject(data.customer) ? data.customer : {};
  const from = text(data.from_number) ?? text(customer.phone);
  const phone = from === null ? null : toE164(from, region);
  if (callId === null || phone === null) return null;
  const [first, last] = nameOf(customer);
  const email = text(customer.email);
  return {
    call_id: callId,
    phone,
    first_name: first,
    last_name: last,
    email: email === null ? null : normaliseEmail(email),
    campaign_id: text(data.campaign_id),
    case_type: text(data.case_type),
    summary: text(data.summary),
  };
}

/** First and last name: the separate fields when given, else the full name split at its last space. */
export function nameOf(customer: Record<string, unknown>): [string | null, string | null] {
  const first = text(customer.first_name);
  const last = text(customer.last_name);
  if (first !== null || last !== null) return [first, last];
  const full = text(customer.name);
  if (full === null) return [null, null];
  const at = full.lastIndexOf(" ");
  return at < 0 ? [full, null] : [full.slice(0, at).trim(), full.slice(at + 1)];
}

/** Non-blank trimmed text, else null. */
function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
