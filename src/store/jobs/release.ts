import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.js";

/**
 * Gives a claim back (shutdown): the job is queued and due at once, and the attempt its claim
 * counted is taken back — stopping a worker is not the job's failure. Its checkpoint stays, so the
 * next claim resumes from it.
 */
export async function releaseJob(
  db: Kysely<Database>,
  id: string,
  owner: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("jobs")
    .set({
      state: "queued",
      lease_owner: null,
      lease_until: null,
      attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end`,
      updated_at: now,
    })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .where("state", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
