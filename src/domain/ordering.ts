/**
 * Per-key ordered delivery (a webhook's `ordering: "per_key"`): the deliveries of one webhook
 * whose events carry the same key (by default `data.call_id`) go out one at a time, in the order
 * Switchboard accepted their events; other keys, and events without the key, are not held up.
 *
 * How the store keeps the line: each ordered delivery carries its key (`order_key`), and of a
 * key's pending deliveries only the first in line is ever due, claimed or retrying. The others
 * wait with `next_attempt_at` = {@link AWAITING_TURN}, outside every due scan, so no claim — on
 * any node — can take them, and claims need no extra check (their cost does not change). When
 * the first one leaves `pending` (succeeded, failed for good, cancelled) the next in line becomes
 * due in the same transaction ({@link promoteNextInLine} in src/store/ordering.ts).
 *
 * "In line" is delivery id order, and a delivery's id is generated when its event is accepted
 * (ids from one process sort by creation, see ids.ts), so the line is acceptance order, not the
 * event's `occurred_at`, which clients may send late or out of order.
 */

import { createHash } from "node:crypto";

/** Where the key is read from when a webhook names none: the call an event belongs to. */
export const DEFAULT_ORDERING_KEY = "data.call_id";

/**
 * The `next_attempt_at` of a delivery waiting for the one before it in its key's line: far in the
 * future (one millisecond before `HELD_UNTIL_ENABLED`, which parks a disabled webhook's
 * deliveries), so due scans never reach it.
 */
export const AWAITING_TURN = 8_639_999_999_999_999;

/** Keys longer than this are stored as a digest, so the line's index stays small. */
export const MAX_ORDER_KEY_LENGTH = 200;

/** `data.` followed by field names (or array indexes), dot separated. */
export const ORDERING_KEY_PATTERN = "^data(\\.[A-Za-z0-9_\\-]{1,100}){1,8}$";

export type OrderingMode = "none" | "per_key";

/**
 * The event's key under `path` (`data.call_id`, `data.lead.id`, …), or null when the event has
 * none there: a string, or a finite number (written as JSON writes it); anything else — missing,
 * null, empty, an object or a list — leaves the event unordered.
 */
export function orderingKeyOf(data: Record<string, unknown> | null, path: string): string | null {
  const segments = path.split(".");
  if (segments[0] !== "data") return null;
  let value: unknown = data;
  for (const segment of segments.slice(1)) {
    if (value === null || typeof value !== "object") return null;
    value = (value as Record<string, unknown>)[segment];
  }
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string" || value === "") return null;
  return value.length > MAX_ORDER_KEY_LENGTH
    ? `sha256:${createHash("sha256").update(value).digest("hex")}`
    : value;
}
