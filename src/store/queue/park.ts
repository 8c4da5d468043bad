import type { Kysely } from "kysely";
import { chunks } from "../chunks.js";
import { HELD_UNTIL_ENABLED } from "../rows.js";
import type { Database } from "../schema.js";

/**
 * Gives back claims on deliveries whose target turned out disabled: they wait out of the due
 * index until it is enabled — or are due now if it was enabled meanwhile.
 */
export async function parkDeliveries(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  now: number,
): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set((eb) => ({
        lease_owner: null,
        updated_at: now,
        // Decided inside the statement, so an enable committed meanwhile is not missed.
        next_attempt_at: eb
          .case()
          .when(
            eb.selectFrom("webhooks").select("enabled").whereRef("webhooks.id", "=", "deliveries.webhook_id"),
            "=",
            1,
          )
          .then(now)
          .else(HELD_UNTIL_ENABLED)
          .end(),
      }))
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}
