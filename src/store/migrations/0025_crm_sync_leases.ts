import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * `crm_sync_leases`: which node reads a CRM connection right now (a pull, a sync asked for by
 * hand or an initial sync), until when. Those are separate jobs, each claimed by one node, but two
 * of them for the same connection on two nodes would both create the same CRM record on the
 * platform; the lease makes them take turns across the cluster.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("crm_sync_leases")
    .addColumn("connection_id", "text", (c) => c.primaryKey())
    .addColumn("owner", "text", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("crm_sync_leases").execute();
}
