import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

/**
 * Makes every claimed pending delivery due now. Only for the embedded store at start, where this
 * process is the only node and any claim left behind belongs to a previous run.
 */
export async function resetClaims(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable("deliveries")
    .set({ lease_owner: null, next_attempt_at: now, updated_at: now })
    .where("status", "=", "pending")
    .where("lease_owner", "is not", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
