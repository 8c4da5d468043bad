/** Display helpers. */
import type { Delivery } from "../api";

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
}

/** "3 min ago", "in 2 h", for recent times; the date otherwise. */
export function relativeTime(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "—";
  const ms = new Date(iso).getTime();
  if (Number.isNaN(ms)) return iso;
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: Array<[number, Intl.RelativeTimeFormatUnit]> = [
    [60_000, "second"],
    [3_600_000, "minute"],
    [86_400_000, "hour"],
    [7 * 86_400_000, "day"],
  ];
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  if (abs < units[0]![0]) return rtf.format(Math.round(diff / 1000), "second");
  if (abs < units[1]![0]) return rtf.format(Math.round(diff / 60_000), "minute");
  if (abs < units[2]![0]) return rtf.format(Math.round(diff / 3_600_000), "hour");
  if (abs < units[3]![0]) return rtf.format(Math.round(diff / 86_400_000), "day");
  return formatTime(iso);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${ms} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${+(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${+(seconds / 3600).toFixed(1)} h`;
  return `${+(seconds / 86_400).toFixed(1)} d`;
}

/** "All events", "call.*, sms.received", "call.ended + 4 more". */
export function eventsSummary(events: readonly string[]): string {
  if (events.length === 0 || events.includes("*")) return "All events";
  if (events.length <= 3) return events.join(", ");
  return `${events.slice(0, 2).join(", ")} + ${events.length - 2} more`;
}

export function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** Comma / newline separated text → trimmed non-empty entries. */
export function splitList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** The first `n` characters of a text, with "…" when it is longer. */
export const truncate = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/**
 * The note next to a delivery's status badge, from the state the server decoded (never from
 * `next_attempt_at` alone, which also carries lease ends and hold deadlines).
 */
export function deliveryNote(d: Delivery, now = Date.now()): string | undefined {
  switch (d.state) {
    case "due":
      return d.next_attempt_at && Date.parse(d.next_attempt_at) > now
        ? `next ${relativeTime(d.next_attempt_at, now)}`
        : "due now";
    case "claimed":
      return "sending";
    case "held":
      return `held for ${d.hold?.until_event ?? "a follow-up event"}`;
    case "held_by_ordering":
      return d.ordering?.blocked_by
        ? `held by ordering: waits for ${d.ordering.blocked_by}`
        : "held by ordering";
    case "parked":
      return "webhook disabled";
    case "circuit_open":
      return d.next_attempt_at
        ? `endpoint failing: next probe ${relativeTime(d.next_attempt_at, now)}`
        : "endpoint failing";
    default:
      return undefined;
  }
}
