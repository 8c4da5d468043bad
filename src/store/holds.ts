/**
 * Held deliveries (a webhook's `hold`): a delivery created held waits, unclaimed, until its
 * `hold_until` (its `next_attempt_at`, so the poller sends it as it is on timeout) or until a
 * follow-up event of `hold_event_type` with the same call id (`hold_key`) arrives, which makes it
 * due at once and records that event (`merge_event_id`) for the sender to merge its data. When the
 * follow-up arrived first, the delivery is not held at all (`unholdWhereFollowUpArrived`).
 */
import type { Kysely } from "kysely";
import { AWAITING_TURN } from "../domain/ordering.js";
import { chunks } from "./chunks.js";
import { HELD_UNTIL_ENABLED } from "./rows.js";
import type { Database, DeliveryTable } from "./schema.js";

type Db = Kysely<Database>;

/**
 * Releases held, never-attempted deliveries whose follow-up event arrived: each becomes due now
 * (or stays parked if its webhook is disabled) and records the event whose data it merges.
 * Returns how many each event released. One indexed lookup when nothing is held.
 */
export async function releaseHeld(
  db: Db,
  tenantId: string,
  releases: Array<{ key: string; eventType: string; eventId: string }>,
  now: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const keys = [...new Set(releases.map((r) => r.key))];
  if (keys.length === 0) return counts;
  const held: Array<{ id: string; hold_key: string | null; hold_event_type: string | null }> = [];
  for (const chunk of chunks(keys)) {
    held.push(
      ...(await db
        .selectFrom("deliveries")
        .select(["id", "hold_key", "hold_event_type"])
        .where("tenant_id", "=", tenantId)
        .where("hold_key", "is not", null)
        .where("hold_key", "in", chunk)
        .where("status", "=", "pending")
        .where("attempts", "=", 0)
        .where("lease_owner", "is", null)
        .execute()),
    );
  }
  const taken = new Set<string>();
  for (const release of releases) {
    const ids = held
      .filter(
        (h) => h.hold_key === release.key && h.hold_event_type === release.eventType && !taken.has(h.id),
      )
      .map((h) => h.id);
    if (ids.length === 0) continue;
    for (const id of ids) taken.add(id);
    const result = await db
      .updateTable("deliveries")
      .set((eb) => ({
        hold_key: null,
        hold_event_type: null,
        hold_until: null,
        merge_event_id: release.eventId,
        // Parked, or waiting for its turn in its key's line (ordering): it stays so.
        next_attempt_at: eb
          .case()
          .when("next_attempt_at", "in", [HELD_UNTIL_ENABLED, AWAITING_TURN])
          .then(eb.ref("next_attempt_at"))
          .else(now)
          .end(),
        updated_at: now,
      }))
      .where("id", "in", ids)
      .where("hold_key", "is not", null)
      .where("status", "=", "pending")
      .where("attempts", "=", 0)
      .where("lease_owner", "is", null)
      .executeTakeFirst();
    const count = Number(result.numUpdatedRows);
    if (count > 0) counts.set(release.eventId, (counts.get(release.eventId) ?? 0) + count);
  }
  return counts;
}

/**
 * Deliveries about to be stored held whose follow-up event is already stored (it arrived first,
 * in an earlier request) are stored due now instead, with that event — the latest, if several —
 * to merge. Changes `deliveries` in place; returns how many per event id. One indexed lookup.
 */
export async function unholdWhereFollowUpArrived(
  db: Db,
  tenantId: string,
  deliveries: DeliveryTable[],
  now: number,
): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const held = deliveries.filter((d) => d.hold_key !== null && d.hold_event_type !== null);
  if (held.length === 0) return counts;
  const keys = [...new Set(held.map((d) => d.hold_key as string))];
  const types = [...new Set(held.map((d) => d.hold_event_type as string))];
  const latest = new Map<string, string>();
  for (const chunk of chunks(keys)) {
    const rows = await db
      .selectFrom("events")
      .select(["id", "type", "call_id"])
      .where("tenant_id", "=", tenantId)
      .where("call_id", "in", chunk)
      .where("type", "in", types)
      .orderBy("id")
      .execute();
    for (const row of rows) latest.set(`${row.type} ${row.call_id}`, row.id);
  }
  for (const delivery of held) {
    const followUp = latest.get(`${delivery.hold_event_type} ${delivery.hold_key}`);
    if (followUp === undefined) continue;
    delivery.hold_key = null;
    delivery.hold_event_type = null;
    delivery.hold_until = null;
    delivery.merge_event_id = followUp;
    delivery.next_attempt_at = now;
    counts.set(delivery.event_id, (counts.get(delivery.event_id) ?? 0) + 1);
  }
  return counts;
}
