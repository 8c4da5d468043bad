import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * CRM sync. A connection is a delivery target (a `webhooks` row of kind `crm`, its provider,
 * base URL and credentials encrypted in `target_config`), so pushes ride the outbox; this adds
 * what a target row cannot hold:
 * - `crm_connections`: the connection's settings, mappings and the CRM schema as last loaded
 *   (JSON text), keyed by the target's id;
 * - `crm_links`: platform record ↔ CRM record per connection and object, with each side's last
 *   synced content hash; unique both ways, so one platform record never links two CRM records
 *   nor the other way round;
 * - `crm_checkpoints`: where the last pull of (connection, object) got to, saved per page;
 * - `crm_runs`: each sync run with its counts, errors and conflicts.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("crm_connections")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("settings", "text", (c) => c.notNull())
    .addColumn("mappings", "text", (c) => c.notNull())
    .addColumn("crm_schema", "text")
    .addColumn("schema_loaded_at", "bigint")
    .addColumn("schema_error", "text")
    .addColumn("consecutive_failures", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_sync_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("crm_connections_tenant")
    .on("crm_connections")
    .columns(["tenant_id", "id"])
    .execute();

  await db.schema
    .createTable("crm_links")
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("object", "text", (c) => c.notNull())
    .addColumn("platform_id", "text", (c) => c.notNull())
    .addColumn("crm_id", "text", (c) => c.notNull())
    .addColumn("platform_hash", "text")
    .addColumn("crm_hash", "text")
    .addColumn("synced_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("crm_links_pk", ["connection_id", "object", "platform_id"])
    .execute();
  await db.schema
    .createIndex("crm_links_crm_id")
    .on("crm_links")
    .columns(["connection_id", "object", "crm_id"])
    .unique()
    .execute();

  await db.schema
    .createTable("crm_checkpoints")
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("object", "text", (c) => c.notNull())
    .addColumn("since", "text")
    .addColumn("cursor", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("crm_checkpoints_pk", ["connection_id", "object"])
    .execute();

  await db.schema
    .createTable("crm_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("connection_id", "text", (c) => c.notNull())
    .addColumn("mode", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    .addColumn("pulled", "integer", (c) => c.notNull())
    .addColumn("pushed", "integer", (c) => c.notNull())
    .addColumn("conflicts", "integer", (c) => c.notNull())
    .addColumn("total", "integer")
    .addColumn("errors", "text", (c) => c.notNull())
    .addColumn("conflict_list", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("crm_runs_connection")
    .on("crm_runs")
    .columns(["connection_id", "id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("crm_runs").execute();
  await db.schema.dropTable("crm_checkpoints").execute();
  await db.schema.dropTable("crm_links").execute();
  await db.schema.dropTable("crm_connections").execute();
}
