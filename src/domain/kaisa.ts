/**
 * Kaisa-compatible macros (`body.macros: "kaisa"`): the names, meanings and formats that
 * receivers written for Kaisa's call-tracking webhook parse, computed from a Switchboard envelope.
 * Pure and free of Node modules: the dashboard's template preview uses it too. Kaisa's signature
 * option is in kaisa-sign.ts.
 *
 * Kaisa's public documentation names the macros but not every meaning or format; where it is
 * silent the choice made here is marked "(our choice)" in {@link KAISA_MACROS} and docs/api.md.
 */
/** One Kaisa macro: what a receiver gets and where Switchboard takes it from. */
export interface KaisaMacro {
  macro: string;
  meaning: string;
  /** The envelope fields it is computed from, first present wins. */
  source: string;
}

/** Every Kaisa macro, in the order of {@link KAISA_DEFAULT_BODY}. */
export const KAISA_MACROS: readonly KaisaMacro[] = Object.freeze([
  {
    macro: "event_type",
    meaning:
      "0 post-call, 1 SMS, 2 pre-call; empty for events Kaisa has no kind for (leads, cases, …). call.pre_connect and call.started are pre-call (our choice: both come before the call's outcome), every other call.* event post-call, message.* SMS",
    source: "event",
  },
  {
    macro: "id",
    meaning: "the call id (an SMS: the message id; neither: the event id)",
    source: "data.call_id, data.message_id, id",
  },
  {
    macro: "fsid",
    meaning:
      "the website visitor's tracking session (our choice: Kaisa's session id as the platform sends it)",
    source: "data.fsid, data.session_id",
  },
  {
    macro: "custnr",
    meaning: "the customer number (our choice: the client record the call belongs to)",
    source: "data.custnr, data.client_id",
  },
  { macro: "from_nr", meaning: "the caller's number, E.164 as stored", source: "data.from_number" },
  {
    macro: "from_nr_area",
    meaning:
      "the caller's area: as the platform sent it, else the area code of a North American (+1) number (our choice)",
    source: "data.from_nr_area, data.from_number",
  },
  { macro: "to_nr", meaning: "the number that was called (the tracking number)", source: "data.to_number" },
  {
    macro: "end_nr",
    meaning:
      "the number the call was put through to: a transfer's target, else the number called (our choice: an AI agent answers the called number itself)",
    source: "data.end_nr, data.target_number, data.to_number",
  },
  {
    macro: "start",
    meaning: 'when the call started (an SMS: when it was sent or received), UTC "YYYY-MM-DD HH:MM:SS"',
    source: "data.started_at, data.sent_at, data.received_at, timestamp",
  },
  { macro: "duration", meaning: "talk time in whole seconds; empty when unknown", source: "data.duration" },
  {
    macro: "answered",
    meaning: "1 answered, 0 not; without data.answered, 1 when the duration is above 0 (our choice)",
    source: "data.answered, data.duration",
  },
  {
    macro: "channel",
    meaning:
      "the channel: the marketing channel the platform sent for a call, sms / mms / email for a message",
    source: "data.channel",
  },
  {
    macro: "publisher_id",
    meaning: "the publisher (affiliate) of the tracking number",
    source: "data.publisher_id",
  },
  { macro: "referrer", meaning: "the page that referred the visitor", source: "data.referrer" },
  { macro: "url", meaning: "the landing page the visitor called from", source: "data.url" },
  {
    macro: "details",
    meaning: "free-text details (objects as JSON); without them the call's summary (our choice)",
    source: "data.details, data.summary",
  },
  {
    macro: "recording_id",
    meaning:
      "the recording's id; Kaisa fills it when post-call requests wait for the recording — here use `hold` with until_event call.recording_ready",
    source: "data.recording_id",
  },
]);

const KAISA_NAMES: ReadonlySet<string> = new Set(KAISA_MACROS.map((m) => m.macro));

/** Is `{name}` a Kaisa macro (in `body.macros: "kaisa"` mode)? */
export const isKaisaMacro = (name: string): boolean => KAISA_NAMES.has(name);

/** The scope variable holding the computed values: `{start}` means `{{ kaisa.start }}`. */
export const KAISA_SCOPE = "kaisa";

/**
 * Kaisa's default body: the form body of every macro (`recording_id` only when the recording is
 * waited for, as in Kaisa, so it is left out).
 */
export const KAISA_DEFAULT_BODY = KAISA_MACROS.filter((m) => m.macro !== "recording_id")
  .map((m) => `${m.macro}={${m.macro}}`)
  .join("&");

interface Envelope {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

const PRE_CALL = new Set(["call.pre_connect", "call.started"]);

/** Kaisa's event kind: 0 post-call, 1 SMS, 2 pre-call, null for everything else. */
export function kaisaEventType(type: string): 0 | 1 | 2 | null {
  if (PRE_CALL.has(type)) return 2;
  if (type.startsWith("call.")) return 0;
  if (type.startsWith("message.")) return 1;
  return null;
}

/** `2025-06-10T14:02:11.5Z` → `2025-06-10 14:02:11` (UTC); null when it is not a time. */
export function kaisaTime(value: unknown): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return null;
  return time.toISOString().slice(0, 19).replace("T", " ");
}

/** The area code of a North American number (`+13125550187` → `312`), else null. */
export function northAmericanArea(number: unknown): string | null {
  if (typeof number !== "string") return null;
  const match = /^\+1([2-9]\d{2})\d{7}$/.exec(number.replace(/[\s().-]/g, ""));
  return match?.[1] ?? null;
}

/** The first of `keys` present in `data` as a non-empty scalar. */
function first(data: Record<string, unknown>, ...keys: string[]): string | number | null {
  for (const key of keys) {
    const value = data[key];
    if (typeof value === "string" && value !== "") return value;
    if (typeof value === "number" && Number.isFinite(value)) return value;
  }
  return null;
}

function answered(data: Record<string, unknown>): 0 | 1 | null {
  if (typeof data.answered === "boolean") return data.answered ? 1 : 0;
  if (typeof data.duration === "number") return data.duration > 0 ? 1 : 0;
  return null;
}

function details(data: Record<string, unknown>): string | null {
  const value = data.details;
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  if (value !== undefined && value !== null && value !== "") return String(value);
  return typeof data.summary === "string" && data.summary !== "" ? data.summary : null;
}

/**
 * Every Kaisa macro's value for one envelope. Kinds and flags are numbers (a JSON template keeps
 * them numbers), the rest text; null renders as nothing in a form body and `null` in JSON.
 */
export function kaisaValues(envelope: Envelope): Record<string, string | number | null> {
  const data = envelope.data;
  const duration = typeof data.duration === "number" ? Math.round(data.duration) : null;
  return {
    event_type: kaisaEventType(envelope.event),
    id: first(data, "call_id", "message_id") ?? envelope.id,
    fsid: first(data, "fsid", "session_id"),
    custnr: first(data, "custnr", "client_id"),
    from_nr: first(data, "from_number"),
    from_nr_area: first(data, "from_nr_area") ?? northAmericanArea(data.from_number),
    to_nr: first(data, "to_number"),
    end_nr: first(data, "end_nr", "target_number", "to_number"),
    start: kaisaTime(first(data, "started_at", "sent_at", "received_at") ?? envelope.timestamp),
    duration,
    answered: answered(data),
    channel: first(data, "channel"),
    publisher_id: first(data, "publisher_id"),
    referrer: first(data, "referrer"),
    url: first(data, "url"),
    details: details(data),
    recording_id: first(data, "recording_id"),
  };
}
