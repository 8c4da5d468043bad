import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("tenants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("timezone", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("api_keys_tenant").on("api_keys").columns(["tenant_id", "id"]).execute();

  await db.schema
    .createTable("settings")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("webhooks")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("disabled_reason", "text")
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("campaign_id", "text")
    .addColumn("filters", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("headers", "text", (c) => c.notNull())
    .addColumn("auth", "text", (c) => c.notNull())
    .addColumn("app_key", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("timeout_ms", "integer", (c) => c.notNull())
    .addColumn("retry", "text", (c) => c.notNull())
    .addColumn("success", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("previous_secret", "text")
    .addColumn("previous_secret_expires_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema.createIndex("webhooks_tenant").on("webhooks").columns(["tenant_id", "id"]).execute();

  await db.schema
    .createTable("events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("campaign_id", "text")
    .addColumn("case_type", "text")
    .addColumn("idempotency_key", "text")
    .addColumn("occurred_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("events_tenant").on("events").columns(["tenant_id", "id"]).execute();
  await db.schema
    .createIndex("events_idempotency")
    .on("events")
    .columns(["tenant_id", "idempotency_key"])
    .unique()
    .where(sql.ref("idempotency_key"), "is not", null)
    .execute();

  await db.schema
    .createTable("deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull().references("events.id"))
    .addColumn("webhook_id", "text", (c) => c.notNull().references("webhooks.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("lease_owner", "text")
    .addColumn("first_attempt_at", "bigint")
    .addColumn("last_attempt_at", "bigint")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("appended", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  // The queue: only pending rows are indexed by due time, so claiming stays O(batch) however
  // many finished deliveries the table holds.
  await db.schema
    .createIndex("deliveries_due")
    .on("deliveries")
    .columns(["next_attempt_at"])
    .where(sql.ref("status"), "=", "pending")
    .execute();
  await db.schema.createIndex("deliveries_event").on("deliveries").columns(["event_id"]).execute();
  await db.schema
    .createIndex("deliveries_webhook")
    .on("deliveries")
    .columns(["webhook_id", "status", "id"])
    .execute();
  await db.schema
    .createIndex("deliveries_webhook_all")
    .on("deliveries")
    .columns(["webhook_id", "id"])
    .execute();

  await db.schema
    .createTable("attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("webhook_id", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("attempt_number", "integer", (c) => c.notNull())
    .addColumn("succeeded", "integer", (c) => c.notNull())
    .addColumn("request_method", "text", (c) => c.notNull())
    .addColumn("request_url", "text", (c) => c.notNull())
    .addColumn("request_headers", "text", (c) => c.notNull())
    .addColumn("request_body", "text")
    .addColumn("response_status", "integer")
    .addColumn("response_headers", "text")
    .addColumn("response_body", "text")
    .addColumn("error_kind", "text")
    .addColumn("error_message", "text")
    .addColumn("duration_ms", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("attempts_delivery").on("attempts").columns(["delivery_id", "id"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ["attempts", "deliveries", "events", "webhooks", "settings", "api_keys", "tenants"]) {
    await db.schema.dropTable(table).execute();
  }
}
