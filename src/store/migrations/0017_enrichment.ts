import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Enrichment: each tenant's providers (credentials encrypted) and settings; runs (one per client
 * and trigger event: the unique index is what makes a trigger enrich once, whatever retries
 * happen); lookups — one row per provider asked in a run, holding the cost that the monthly
 * budget sums (by the tenant's calendar month, stored with the row) and the answer, so a retried
 * run reuses a paid answer instead of paying again; the cache of answers by hashed input; the
 * attempt log of HTTP exchanges; and the provenance of each field enrichment wrote.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("enrichment_providers")
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("priority", "integer", (c) => c.notNull())
    .addColumn("base_url", "text")
    .addColumn("credentials", "text")
    .addColumn("credential_hint", "text")
    .addColumn("price", "text")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("enrichment_providers_pk", ["tenant_id", "name"])
    .execute();
  await db.schema
    .createTable("enrichment_settings")
    .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id"))
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("enrichment_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("trigger_key", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("wanted", "text", (c) => c.notNull())
    .addColumn("provider", "text")
    .addColumn("fields_found", "text", (c) => c.notNull())
    .addColumn("fields_written", "text", (c) => c.notNull())
    .addColumn("data", "text")
    .addColumn("cost_micros", "bigint", (c) => c.notNull())
    .addColumn("error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    .execute();
  await db.schema
    .createIndex("enrichment_runs_trigger")
    .unique()
    .on("enrichment_runs")
    .columns(["tenant_id", "client_id", "trigger_key"])
    .execute();
  await db.schema
    .createIndex("enrichment_runs_tenant")
    .on("enrichment_runs")
    .columns(["tenant_id", "id"])
    .execute();
  await db.schema
    .createTable("enrichment_lookups")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("month", "text", (c) => c.notNull())
    .addColumn("cost_micros", "bigint", (c) => c.notNull())
    .addColumn("result", "text")
    .addColumn("error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("enrichment_lookups_run")
    .unique()
    .on("enrichment_lookups")
    .columns(["run_id", "provider"])
    .execute();
  await db.schema
    .createIndex("enrichment_lookups_month")
    .on("enrichment_lookups")
    .columns(["tenant_id", "month", "provider"])
    .execute();
  await db.schema
    .createTable("enrichment_cache")
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("result", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("enrichment_cache_pk", ["tenant_id", "provider", "key"])
    .execute();
  await db.schema
    .createTable("enrichment_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("request", "text", (c) => c.notNull())
    .addColumn("status", "integer")
    .addColumn("error", "text")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("enrichment_attempts_run")
    .on("enrichment_attempts")
    .columns(["run_id", "id"])
    .execute();
  await db.schema
    .createTable("enrichment_fields")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("run_id", "text", (c) => c.notNull())
    .addColumn("confidence", "real", (c) => c.notNull())
    .addColumn("written_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("enrichment_fields_pk", ["tenant_id", "client_id", "field"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of [
    "enrichment_fields",
    "enrichment_attempts",
    "enrichment_cache",
    "enrichment_lookups",
    "enrichment_runs",
    "enrichment_settings",
    "enrichment_providers",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
