import { DateTime, IANAZone } from "luxon";
import { invalid } from "../errors.js";

/**
 * Times in the company's zone, through luxon (the IANA database Node ships), never hand-made
 * offsets. A time with `Z` or an offset is an instant; a local time without one is read in the
 * company's zone (or the zone the caller names), which is how a receptionist says "2:30 tomorrow".
 */

/** `2026-03-08T02:30`, `…:00`, `…:00.000`, with nothing after: a wall-clock time. */
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
/** With `Z` or `±hh:mm`: an instant. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
/** A date alone: its midnight in the zone. */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isValidZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Epoch ms of a time given to the API at `path`. A wall-clock time that the zone skips (02:30 on a
 * spring-forward night in Chicago) is refused, naming the zone; one that happens twice (01:30 on a
 * fall-back night) is the first of the two, and an offset picks the other.
 */
export function parseWallOrInstant(text: string, zone: string, path: string): number {
  if (INSTANT.test(text)) {
    const dt = DateTime.fromISO(text, { setZone: true });
    if (!dt.isValid) throw invalid(path, `"${text}" is not a valid time`);
    return dt.toMillis();
  }
  const date = DATE.exec(text);
  const local = LOCAL.exec(text);
  if (!date && !local) {
    throw invalid(
      path,
      `"${text}" is not an ISO-8601 time (e.g. 2026-03-09T14:30 or 2026-03-09T14:30:00-05:00)`,
    );
  }
  const parts = (local ?? date) as RegExpExecArray;
  const wanted = {
    year: Number(parts[1]),
    month: Number(parts[2]),
    day: Number(parts[3]),
    hour: local ? Number(parts[4]) : 0,
    minute: local ? Number(parts[5]) : 0,
    second: local && parts[6] ? Number(parts[6]) : 0,
    millisecond: local && parts[7] ? Number(parts[7].padEnd(3, "0")) : 0,
  };
  const asUtc = DateTime.fromObject(wanted, { zone: "UTC" });
  if (!asUtc.isValid) throw invalid(path, `"${text}" is not a valid time in ${zone}`);
  // The instants whose wall clock in the zone reads `wanted`: none in a skipped hour, two in a
  // repeated one. The zone's offsets within a day either side (offsets reach ±14 h) are the candidates.
  const iana = IANAZone.create(zone);
  const guess = asUtc.toMillis();
  const matches = [
    ...new Set([-24, -18, -12, -6, 0, 6, 12, 18, 24].map((h) => iana.offset(guess + h * 3_600_000))),
  ]
    .map((offset) => guess - offset * 60_000)
    .filter((ms) => iana.offset(ms) * 60_000 === guess - ms)
    .sort((a, b) => a - b);
  const first = matches[0];
  if (first === undefined) {
    throw invalid(
      path,
      `${text} does not exist in ${zone} (the clocks skip it); give an offset or another time`,
      {
        time_zone: zone,
      },
    );
  }
  return first;
}

/** An instant as the company reads it: ISO-8601 with the zone's offset at that instant. */
export function inZone(ms: number, zone: string): string {
  return (
    DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? new Date(ms).toISOString()
  );
}

/** Midnight starting the zone's calendar day that holds `ms`, and the next one (a 23- or 25-hour day on DST days). */
export function dayBounds(ms: number, zone: string): { start: number; end: number } {
  const start = DateTime.fromMillis(ms, { zone }).startOf("day");
  return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
}
