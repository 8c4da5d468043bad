import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Durable jobs: work that is not a delivery (imports, CRM pulls, token refreshes, retention …),
 * claimed with a lease like deliveries. `lease_until` is null unless running, so
 * `coalesce(lease_until, run_at)` is when a job may be claimed next: a queued job at its run time,
 * a running one when its lease runs out (takeover). One partial index on exactly that expression
 * and predicate serves the claim whatever the table holds of finished jobs.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.references("tenants.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("run_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("lease_until", "bigint")
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("last_error", "text")
    .addColumn("progress_done", "bigint", (c) => c.notNull())
    .addColumn("progress_total", "bigint")
    .addColumn("checkpoint", "text")
    .addColumn("unique_key", "text")
    .addColumn("schedule", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("finished_at", "bigint")
    .execute();
  await db.schema
    .createIndex("jobs_claimable")
    .on("jobs")
    .expression(sql`coalesce(lease_until, run_at)`)
    .where(() => sql<boolean>`state in ('queued', 'running')`)
    .execute();
  // At most one unfinished job per key; a recurring job keeps its key from run to run.
  await db.schema
    .createIndex("jobs_unique_key")
    .on("jobs")
    .column("unique_key")
    .unique()
    .where(() => sql<boolean>`unique_key is not null and state in ('queued', 'running')`)
    .execute();
  await db.schema.createIndex("jobs_tenant").on("jobs").columns(["tenant_id", "id"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("jobs").execute();
}
