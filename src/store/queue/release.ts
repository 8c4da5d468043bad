import type { Kysely } from "kysely";
import { chunks } from "../chunks.js";
import type { Database } from "../schema.js";

/** Gives claims back (shutdown, an open circuit): the deliveries become due at `dueAt`. */
export async function releaseDeliveries(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  dueAt: number,
): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set({ lease_owner: null, next_attempt_at: dueAt, updated_at: dueAt })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}
