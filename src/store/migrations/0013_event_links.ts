import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Events keep the records they are about in columns of their own — `client_id`, `case_id` and the
 * counterpart's E.164 `phone` — filled at ingest from the event's data, each indexed by tenant
 * and id so a client's or case's timeline (newest first, by cursor) is one index range per link,
 * not a scan of every event's JSON. Partial indexes: most events link to nothing and cost no
 * index entry. Events stored before this migration have none of them (they are not rewritten:
 * that would be a full-table rewrite on upgrade), so they do not appear on timelines.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("events").addColumn("client_id", "text").execute();
  await db.schema.alterTable("events").addColumn("case_id", "text").execute();
  await db.schema.alterTable("events").addColumn("phone", "text").execute();
  for (const column of ["client_id", "case_id", "phone"]) {
    await db.schema
      .createIndex(`events_${column}`)
      .on("events")
      .columns(["tenant_id", column, "id"])
      .where(sql.ref(column), "is not", null)
      .execute();
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const column of ["phone", "case_id", "client_id"]) {
    await db.schema.dropIndex(`events_${column}`).execute();
    await db.schema.alterTable("events").dropColumn(column).execute();
  }
}
