import type { Kysely } from "kysely";
import { chunks } from "../chunks.js";
import type { Database } from "../schema.js";

/** Cancels claimed deliveries whose target or event no longer exists. */
export async function cancelDeliveries(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  reason: string,
  now: number,
): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set({ status: "cancelled", lease_owner: null, last_error: reason, updated_at: now })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}
