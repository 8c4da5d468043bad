import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

/** Extends a running job's lease while `owner` still holds it. */
export async function renewJobLease(
  db: Kysely<Database>,
  id: string,
  owner: string,
  now: number,
  leaseUntil: number,
): Promise<boolean> {
  const result = await db
    .updateTable("jobs")
    .set({ lease_until: leaseUntil, updated_at: now })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .where("state", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
