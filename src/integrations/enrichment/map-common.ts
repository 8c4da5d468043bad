import { isEmail } from "../../domain/catalog/formats.js";
import type { PhoneLineType } from "../../domain/enrichment/types.js";
import { isCalendarDate } from "../../domain/records/dates.js";
import { toE164 } from "../../domain/records/phone.js";

/** A vendor's phone in E.164 (US numbers as vendors write them: 10 digits, dashes, brackets), or undefined. */
export function e164(value: unknown): string | undefined {
  if (typeof value !== "string" || value.trim() === "") return undefined;
  return toE164(value, "US") ?? undefined;
}

export function email(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase();
  return isEmail(v) ? v : undefined;
}

export function calendarDate(value: unknown): string | undefined {
  return typeof value === "string" && isCalendarDate(value) ? value : undefined;
}

/** Vendors' line type words → the client's phone `type`. */
export function phoneType(lineType: unknown): PhoneLineType {
  const v = typeof lineType === "string" ? lineType.toLowerCase() : "";
  if (v.includes("mobile") || v.includes("wireless") || v === "cell") return "mobile";
  if (v.includes("landline") || v.includes("residential")) return "home";
  return "other";
}

export function unique<T>(values: Array<T | undefined>, key: (v: T) => string = String): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const v of values) {
    if (v === undefined) continue;
    const k = key(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

/** Confidence clamped to 0..1 with two decimals. */
export function confidence(value: number): number {
  if (!Number.isFinite(value)) return 0;
  return Math.round(Math.min(1, Math.max(0, value)) * 100) / 100;
}
