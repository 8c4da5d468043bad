import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

/** What a purged event's `data` holds: JSON null, so the API shows `data: null`. */
export const PURGED_DATA = "null";

/**
 * One small batch of retention work in one short transaction: the oldest events past the cutoff
 * that still hold a payload and no pending delivery lose their payload, and their attempts lose
 * request and response bodies. Ids sort by creation time, so the primary key orders the scan and
 * `afterId` lets the next batch start where this one ended instead of rescanning purged rows.
 */
export function purgePayloads(
  db: Kysely<Database>,
  cutoff: number,
  afterId: string | null,
  limit: number,
): Promise<{ purged: number; lastId: string | null }> {
  return db.transaction().execute(async (tx) => {
    let query = tx.selectFrom("events").select("id");
    if (afterId !== null) query = query.where("id", ">", afterId);
    const rows = await query
      .where("created_at", "<", cutoff)
      .where("data", "!=", PURGED_DATA)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom("deliveries")
              .select("deliveries.id")
              .whereRef("deliveries.event_id", "=", "events.id")
              .where("deliveries.status", "=", "pending"),
          ),
        ),
      )
      .orderBy("id")
      .limit(limit)
      .execute();
    const ids = rows.map((r) => r.id);
    if (ids.length === 0) return { purged: 0, lastId: afterId };
    await tx.updateTable("events").set({ data: PURGED_DATA, call_id: null }).where("id", "in", ids).execute();
    await tx
      .updateTable("attempts")
      .set({ request_body: null, request_body_envelope: 0, response_body: null })
      .where("event_id", "in", ids)
      .execute();
    return { purged: ids.length, lastId: ids[ids.length - 1] ?? afterId };
  });
}
