import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * The `webhooks` table becomes the table of delivery targets: every kind (an HTTP webhook, an
 * email destination, later CRM connections) shares its routing (events, campaign, filters, hold)
 * and delivery policy (timeout, retry, limits, health, auto-disable) columns, so deliveries,
 * lanes, the breaker and the attempt log need no second queue per kind. `kind` names the kind;
 * `target_config` is the kind's own settings as encrypted JSON (null for webhooks, whose
 * settings predate kinds and keep their own columns). Existing rows are webhooks.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("webhooks")
    .addColumn("kind", "text", (c) => c.notNull().defaultTo("webhook"))
    .execute();
  await db.schema.alterTable("webhooks").addColumn("target_config", "text").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("webhooks").dropColumn("target_config").execute();
  await db.schema.alterTable("webhooks").dropColumn("kind").execute();
}
