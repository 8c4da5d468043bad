import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

/**
 * Makes every running job claimable now by ending its lease (embedded store at start only: the
 * single process that owns the file is starting, so every lease belongs to a run that died).
 */
export async function resetJobLeases(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db
    .updateTable("jobs")
    .set({ lease_until: now, updated_at: now })
    .where("state", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
