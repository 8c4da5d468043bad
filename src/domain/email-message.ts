/**
 * The plain-text email an email destination sends for an event: one `Label: value` line per
 * field, the shape CRM email parsers read (they match a label at the start of a line and take
 * the rest of it as the value).
 */

/** What the message is built from: the delivery envelope. */
export interface EmailEnvelope {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown>;
}

export const DEFAULT_EMAIL_SUBJECT = "[Switchboard] {{ event }} {{ id }}";

/** `from_number` → `From Number`; `caseType` → `Case Type`; digits stay as they are. */
export function labelOf(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[_\s.-]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

/** A value on one line: parsers read line by line, so line breaks inside a value become spaces. */
function lineValue(value: string | number | boolean | null): string {
  if (value === null) return "";
  return String(value)
    .replace(/\s*[\r\n]+\s*/g, " ")
    .trim();
}

const isScalar = (value: unknown): value is string | number | boolean | null =>
  value === null || ["string", "number", "boolean"].includes(typeof value);

/**
 * The fields of `value` as label/value pairs, depth first in the data's own order. Nested
 * objects prefix their parent's label (`caller.first_name` → `Caller First Name`); lists of
 * plain values are joined with commas; lists of objects are numbered from 1
 * (`phones[0].number` → `Phones 1 Number`). Empty objects and lists add nothing.
 */
export function fieldLines(value: unknown, prefix = ""): Array<[string, string]> {
  const join = (label: string): string => (prefix === "" ? label : `${prefix} ${label}`);
  if (isScalar(value)) return prefix === "" ? [] : [[prefix, lineValue(value)]];
  if (Array.isArray(value)) {
    if (value.every(isScalar)) return value.length === 0 ? [] : [[prefix, value.map(lineValue).join(", ")]];
    return value.flatMap((item, i) => fieldLines(item, join(String(i + 1))));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => fieldLines(item, join(labelOf(key))));
  }
  return [];
}

/** The message body: the event's own lines first, then its data's. */
export function emailText(envelope: EmailEnvelope): string {
  const lines: Array<[string, string]> = [
    ["Event", envelope.event],
    ["Event ID", envelope.id],
    ["Timestamp", envelope.timestamp],
    ...fieldLines(envelope.data),
  ];
  return `${lines.map(([label, value]) => `${label}: ${value}`).join("\n")}\n`;
}

/** A rendered subject on one line (a header cannot carry line breaks), at most 998 characters. */
export function subjectLine(rendered: string): string {
  return rendered
    .replace(/\s*[\r\n]+\s*/g, " ")
    .trim()
    .slice(0, 998);
}

/**
 * A plain mailbox address (`local@domain`): no display name, no spaces, no line breaks. Enough to
 * refuse mistakes and header injection at save time; the SMTP server has the last word.
 */
export function isEmailAddress(value: string): boolean {
  return (
    value.length <= 320 && /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/.test(value)
  );
}

/** The three-digit code at the start of an SMTP reply (`250 2.0.0 OK` → 250), or null. */
export function smtpReplyCode(reply: string | undefined): number | null {
  const match = /^([2-5]\d\d)[\s-]/.exec(reply ?? "");
  return match ? Number(match[1]) : null;
}
