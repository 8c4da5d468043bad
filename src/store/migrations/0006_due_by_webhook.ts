import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Pending deliveries by webhook in due order: lets a dispatcher claim one endpoint's due work
 * directly, and list which endpoints have any, instead of reading the global due indexes past
 * the deliveries of endpoints whose lanes are full (a dead endpoint's backlog sits at their head).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex("deliveries_due_webhook")
    .on("deliveries")
    .columns(["webhook_id", "next_attempt_at"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("deliveries_due_webhook").execute();
}
