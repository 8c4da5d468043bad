/**
 * Held deliveries (a webhook's `hold`): a delivery created held waits, unclaimed, until its
 * `hold_until` (its `next_attempt_at`, so the poller sends it as it is on timeout) or until a
 * follow-up event of `hold_event_type` with the same call id (`hold_key`) arrives, which makes it
 * due at once and records that event (`merge_event_id`) for the sender to merge its data.
 */
import type { Kysely } from "kysely";
import { HELD_UNTIL_ENABLED } from "./rows.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database>;

/** Call ids looked up per statement (well under both dialects' parameter limits). */
const KEYS_PER_QUERY = 500;

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
  for (let i = 0; i < keys.length; i += KEYS_PER_QUERY) {
    held.push(
      ...(await db
        .selectFrom("deliveries")
        .select(["id", "hold_key", "hold_event_type"])
        .where("tenant_id", "=", tenantId)
        .where("hold_key", "is not", null)
        .where("hold_key", "in", keys.slice(i, i + KEYS_PER_QUERY))
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
        next_attempt_at: eb
          .case()
          .when("next_attempt_at", "=", HELD_UNTIL_ENABLED)
          .then(HELD_UNTIL_ENABLED)
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
