import type { Kysely } from "kysely";
import { chunks } from "../chunks.js";
import type { Database } from "../schema.js";

/** Extends this owner's claims until `leaseUntil` (deliveries queued behind a slow endpoint). */
export async function renewClaims(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  leaseUntil: number,
): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set({ next_attempt_at: leaseUntil })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}
