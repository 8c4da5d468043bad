import type { Kysely } from "kysely";
import { chunks } from "../chunks.js";
import { linesOf, lockLines, promoteNextInLine } from "../ordering.js";
import type { Database } from "../schema.js";

/** Cancels claimed deliveries whose target or event no longer exists (the next in line goes). */
export async function cancelDeliveries(
  db: Kysely<Database>,
  owner: string,
  ids: string[],
  reason: string,
  now: number,
): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db.transaction().execute(async (tx) => {
      const cancelled = await tx
        .updateTable("deliveries")
        .set({ status: "cancelled", lease_owner: null, last_error: reason, updated_at: now })
        .where("id", "in", chunk)
        .where("lease_owner", "=", owner)
        .where("status", "=", "pending")
        .returning(["webhook_id", "order_key"])
        .execute();
      // A cancelled delivery leaves its key's line like a finished one: the next goes.
      const lines = linesOf(cancelled);
      if (lines.length === 0) return;
      await lockLines(tx, lines);
      await promoteNextInLine(tx, lines, now);
    });
  }
}
