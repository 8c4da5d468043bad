import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Payload shaping and held deliveries.
 * - webhooks: `signature_header` (extra GitHub-style signature header) and `hold` (JSON
 *   `{until_event, max_wait_s}`).
 * - deliveries: a held delivery waits for a follow-up event of type `hold_event_type` carrying
 *   the same `data.call_id` (`hold_key`) until `hold_until` (its `next_attempt_at` meanwhile);
 *   the follow-up that releases it is `merge_event_id`, whose data is merged into the payload.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("webhooks").addColumn("signature_header", "text").execute();
  await db.schema.alterTable("webhooks").addColumn("hold", "text").execute();
  await db.schema.alterTable("deliveries").addColumn("hold_key", "text").execute();
  await db.schema.alterTable("deliveries").addColumn("hold_event_type", "text").execute();
  await db.schema.alterTable("deliveries").addColumn("hold_until", "bigint").execute();
  await db.schema.alterTable("deliveries").addColumn("merge_event_id", "text").execute();
  // Only deliveries still held are indexed: the release lookup stays small however big the table.
  await db.schema
    .createIndex("deliveries_hold")
    .on("deliveries")
    .columns(["tenant_id", "hold_key", "hold_event_type"])
    .where(sql.ref("hold_key"), "is not", null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("deliveries_hold").execute();
  for (const column of ["merge_event_id", "hold_until", "hold_event_type", "hold_key"]) {
    await db.schema.alterTable("deliveries").dropColumn(column).execute();
  }
  await db.schema.alterTable("webhooks").dropColumn("hold").execute();
  await db.schema.alterTable("webhooks").dropColumn("signature_header").execute();
}
