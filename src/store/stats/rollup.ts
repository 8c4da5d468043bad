import type { Kysely } from "kysely";
import { chunks } from "../chunks.js";
import type { Database } from "../schema.js";
import { rawMinutes } from "./raw-minutes.js";

/** Thrown inside the roll-up's transaction when another caller rolled the same minutes first. */
class RolledUpElsewhere extends Error {}

/**
 * Rolls a webhook's closed minutes in [its watermark or `earliest`, `closedUntil`) into
 * `attempt_minutes` and moves the watermark, in one transaction; rows older than `earliest` go.
 * A chart reader calls it, so each minute is grouped from raw attempts once, however often the
 * chart is looked at. Two readers at once: the second one's insert meets the first one's rows (or
 * its watermark moved) and its transaction rolls back, leaving the first one's work.
 */
export async function rollUp(
  db: Kysely<Database>,
  webhookId: string,
  earliest: number,
  closedUntil: number,
): Promise<void> {
  try {
    await db.transaction().execute(async (tx) => {
      const mark = await tx
        .selectFrom("attempt_rollups")
        .select("rolled_until")
        .where("webhook_id", "=", webhookId)
        .executeTakeFirst();
      const previous = mark === undefined ? null : Number(mark.rolled_until);
      const start = Math.max(previous ?? earliest, earliest);
      if (start >= closedUntil) return;
      await tx
        .deleteFrom("attempt_minutes")
        .where("webhook_id", "=", webhookId)
        .where("minute", "<", earliest)
        .execute();
      const rows = await rawMinutes(tx, webhookId, start, closedUntil);
      for (const chunk of chunks(rows)) await tx.insertInto("attempt_minutes").values(chunk).execute();
      if (previous === null) {
        const inserted = await tx
          .insertInto("attempt_rollups")
          .values({ webhook_id: webhookId, rolled_until: closedUntil })
          .onConflict((oc) => oc.column("webhook_id").doNothing())
          .returning("webhook_id")
          .executeTakeFirst();
        if (inserted === undefined) throw new RolledUpElsewhere();
      } else {
        const moved = await tx
          .updateTable("attempt_rollups")
          .set({ rolled_until: closedUntil })
          .where("webhook_id", "=", webhookId)
          .where("rolled_until", "=", previous)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 0) throw new RolledUpElsewhere();
      }
    });
  } catch (error) {
    if (error instanceof RolledUpElsewhere || isUniqueViolation(error)) return;
    throw error;
  }
}

/** A concurrent roll-up inserted the same minutes (SQLite and PostgreSQL phrasings). */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return (
    code === "23505" || code === "SQLITE_CONSTRAINT_PRIMARYKEY" || /unique|duplicate key/i.test(error.message)
  );
}
