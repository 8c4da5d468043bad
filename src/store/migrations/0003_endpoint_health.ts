import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/** Per-endpoint limits on webhooks, and each webhook's health (circuit breaker, failing streak). */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("webhooks").addColumn("max_in_flight", "integer").execute();
  await db.schema.alterTable("webhooks").addColumn("rate_limit_per_s", "integer").execute();
  await db.schema
    .createTable("webhook_health")
    .addColumn("webhook_id", "text", (c) => c.primaryKey().references("webhooks.id"))
    .addColumn("circuit_state", "text", (c) => c.notNull())
    .addColumn("consecutive_failures", "integer", (c) => c.notNull())
    .addColumn("retry_at", "bigint")
    .addColumn("failing_since", "bigint")
    .addColumn("failing_notified_at", "bigint")
    .addColumn("last_success_at", "bigint")
    .addColumn("last_failure_at", "bigint")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("webhook_health").execute();
  await db.schema.alterTable("webhooks").dropColumn("rate_limit_per_s").execute();
  await db.schema.alterTable("webhooks").dropColumn("max_in_flight").execute();
}
