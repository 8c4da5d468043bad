/**
 * What a delivery is doing right now, decoded from its row.
 *
 * The row's `next_attempt_at` carries several meanings, so that one partial index on
 * (`status` = pending, `next_attempt_at`) finds every claimable delivery and nothing else:
 * - unclaimed: when it is due (a retry's scheduled time, or the past when due now);
 * - claimed (`lease_owner` set): when the claim's lease runs out — then any node may claim it again;
 * - parked behind a disabled webhook: `HELD_UNTIL_ENABLED`, out of every due scan's way;
 * - held for a follow-up event (`hold_*` set, never attempted): the hold's deadline, after which
 *   the poller sends it as it is;
 * - waiting for its turn in its key's line (ordering, src/domain/ordering.ts): `AWAITING_TURN`,
 *   out of every due scan until the delivery ahead of it leaves `pending`.
 * This is the one place that reads those meanings back; the API and the dashboard show its answer.
 */

import { AWAITING_TURN } from "./ordering.js";

export type DeliveryStatus = "pending" | "succeeded" | "failed" | "cancelled";

/**
 * The due time of deliveries parked because their webhook is disabled, so the due-index scan never
 * sees them; enabling the webhook makes them due again. (Largest valid Date, in ms.)
 */
export const HELD_UNTIL_ENABLED = 8_640_000_000_000_000;

/** The columns of a delivery row that say what it is doing. */
export interface DeliveryStateColumns {
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  hold_key: string | null;
  hold_event_type: string | null;
  /** Its key in its webhook's line when it is ordered. */
  order_key?: string | null;
}

export type DeliveryState =
  /** Waiting to be claimed from `at` on (at or before now: due now). */
  | { state: "due"; at: number }
  /**
   * Claimed by the node `by` until `leaseUntil` (queued there or in flight). A lease that ran out
   * still reads as claimed: the owner may be mid-attempt, and the API refuses to retry it, until
   * another node claims it or the owner records its outcome.
   */
  | { state: "claimed"; by: string; leaseUntil: number }
  /** Pending behind a disabled webhook; due again when the webhook is enabled. */
  | { state: "parked" }
  /**
   * Waiting until an event of `eventType` carrying `data.call_id` = `callId` arrives, or until
   * `until`, when it goes as it is.
   */
  | { state: "held"; until: number; eventType: string; callId: string }
  /**
   * Waiting for its turn: a delivery ahead of it with the same ordering `key` (in flight,
   * retrying or held) goes first.
   */
  | { state: "held_by_ordering"; key: string }
  /**
   * Due, but its target's circuit is open: nothing is sent to it until the breaker's probe at
   * `probeAt` succeeds.
   */
  | { state: "circuit_open"; probeAt: number }
  | { state: "succeeded" }
  | { state: "failed" }
  | { state: "cancelled" };

export type DeliveryStateName = DeliveryState["state"];

// Shared answers for the states without data: presenting a page of finished deliveries allocates nothing.
const SUCCEEDED: DeliveryState = { state: "succeeded" };
const FAILED: DeliveryState = { state: "failed" };
const CANCELLED: DeliveryState = { state: "cancelled" };
const PARKED: DeliveryState = { state: "parked" };

/**
 * What a delivery is doing. `circuitOpenUntil` is when its target's breaker sends the next probe,
 * while the circuit is open (null or absent otherwise).
 */
export function deliveryState(
  row: DeliveryStateColumns,
  now: number,
  circuitOpenUntil: number | null = null,
): DeliveryState {
  switch (row.status) {
    case "succeeded":
      return SUCCEEDED;
    case "failed":
      return FAILED;
    case "cancelled":
      return CANCELLED;
    case "pending":
      break;
  }
  if (row.lease_owner !== null) {
    return { state: "claimed", by: row.lease_owner, leaseUntil: row.next_attempt_at };
  }
  // Parking wins over a hold: enabling the webhook makes the delivery due at once.
  if (row.next_attempt_at === HELD_UNTIL_ENABLED) return PARKED;
  if (row.next_attempt_at === AWAITING_TURN) return { state: "held_by_ordering", key: row.order_key ?? "" };
  // Once its deadline passes, a held delivery is due like any other (the poller sends it as it is);
  // a retry (`retryDelivery`) or a re-enabled webhook moves the deadline to now the same way.
  if (
    row.hold_key !== null &&
    row.hold_event_type !== null &&
    row.attempts === 0 &&
    row.next_attempt_at > now
  ) {
    return {
      state: "held",
      until: row.next_attempt_at,
      eventType: row.hold_event_type,
      callId: row.hold_key,
    };
  }
  if (circuitOpenUntil !== null && circuitOpenUntil > now && row.next_attempt_at <= circuitOpenUntil)
    return { state: "circuit_open", probeAt: circuitOpenUntil };
  return { state: "due", at: row.next_attempt_at };
}
