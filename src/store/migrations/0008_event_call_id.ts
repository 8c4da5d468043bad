import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Events keep their `data.call_id` in a column of its own, indexed by tenant: a delivery that
 * would be held for a follow-up event (a webhook's `hold`) looks up whether that follow-up already
 * arrived, and is then not held at all. Events stored before this migration have none, so they
 * are not found as follow-ups (they could only matter within one `max_wait_s` of upgrading).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("events").addColumn("call_id", "text").execute();
  await db.schema
    .createIndex("events_call")
    .on("events")
    .columns(["tenant_id", "call_id", "type"])
    .where(sql.ref("call_id"), "is not", null)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("events_call").execute();
  await db.schema.alterTable("events").dropColumn("call_id").execute();
}
