import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * First attempts and retries get their own due indexes, so a claim can serve both lanes without
 * scanning past one to reach the other: a backlog of retries never starves fresh deliveries.
 * They replace the single due index.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex("deliveries_due_first")
    .on("deliveries")
    .columns(["next_attempt_at"])
    .where(() => sql<boolean>`status = 'pending' and attempts = 0`)
    .execute();
  await db.schema
    .createIndex("deliveries_due_retry")
    .on("deliveries")
    .columns(["next_attempt_at"])
    .where(() => sql<boolean>`status = 'pending' and attempts > 0`)
    .execute();
  await db.schema.dropIndex("deliveries_due").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex("deliveries_due")
    .on("deliveries")
    .columns(["next_attempt_at"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema.dropIndex("deliveries_due_retry").execute();
  await db.schema.dropIndex("deliveries_due_first").execute();
}
