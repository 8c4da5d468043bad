import { FormatRegistry } from "@sinclair/typebox";

/**
 * String formats used by the catalog's schemas. TypeBox's TypeCompiler rejects every value of a
 * format it does not know, so they are registered here, when the catalog module loads. A format
 * that some other module already registered is left alone.
 */

const DATE_TIME =
  /^(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[Tt](?<h>\d{2}):(?<mi>\d{2}):(?<s>\d{2})(?:\.\d+)?(?:[Zz]|[+-](?<oh>\d{2}):(?<om>\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** RFC 3339 `date-time` (JSON Schema's `date-time`): a full date, a time and a UTC offset. */
export function isDateTime(value: string): boolean {
  const groups = DATE_TIME.exec(value)?.groups;
  if (groups === undefined) return false;
  const n = (key: string): number => Number(groups[key] ?? "0");
  const month = n("mo");
  const day = n("d");
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(n("y"), month)) return false;
  // Second 60 is a leap second, which RFC 3339 allows.
  return n("h") <= 23 && n("mi") <= 59 && n("s") <= 60 && n("oh") <= 23 && n("om") <= 59;
}

/** An absolute URI: parses as a URL and has a scheme (`https:`, `mailto:`, …). No spaces. */
export function isUri(value: string): boolean {
  if (/\s/.test(value)) return false;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(value)) return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

/** A plausible mailbox address: `local@domain.tld`, no spaces, one `@`. */
export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/.test(value) && value.length <= 254;
}

const formats: ReadonlyArray<[string, (value: string) => boolean]> = [
  ["date-time", isDateTime],
  ["uri", isUri],
  ["email", isEmail],
];

export function registerCatalogFormats(): void {
  for (const [name, check] of formats) {
    if (!FormatRegistry.Has(name)) FormatRegistry.Set(name, check);
  }
}

registerCatalogFormats();
