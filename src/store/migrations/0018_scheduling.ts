import { type Kysely, sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Scheduling: the tenant's connection to its scheduling provider (key and webhook secret
 * encrypted), each agent's booking settings, and the bookings made through us. A booking row is
 * written *before* the provider is asked (status `pending`) and completed after, so a crash in
 * between leaves a row that says what to look for at the provider; the unique call id is what
 * makes one booking per call hold across nodes.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("scheduling_connections")
    .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id"))
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("api_key", "text", (c) => c.notNull())
    .addColumn("base_url", "text")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("account_name", "text", (c) => c.notNull())
    .addColumn("account_email", "text", (c) => c.notNull())
    .addColumn("webhook_id", "text")
    .addColumn("webhook_secret", "text")
    .addColumn("webhook_error", "text")
    .addColumn("connected_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("scheduling_agents")
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("booking_enabled", "integer", (c) => c.notNull())
    .addColumn("event_type_id", "integer")
    .addColumn("event_type_title", "text")
    .addColumn("event_type_length", "integer")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("scheduling_agents_pk", ["tenant_id", "agent_id"])
    .execute();

  await db.schema
    .createTable("scheduling_bookings")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("agent_id", "text", (c) => c.notNull())
    .addColumn("call_id", "text")
    .addColumn("client_id", "text")
    .addColumn("case_id", "text")
    .addColumn("provider", "text", (c) => c.notNull())
    .addColumn("provider_uid", "text")
    .addColumn("provider_id", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("event_type_id", "integer", (c) => c.notNull())
    .addColumn("start_at", "bigint", (c) => c.notNull())
    .addColumn("end_at", "bigint", (c) => c.notNull())
    .addColumn("attendee", "text", (c) => c.notNull())
    .addColumn("location", "text")
    .addColumn("title", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("scheduling_bookings_call")
    .on("scheduling_bookings")
    .columns(["tenant_id", "call_id"])
    .unique()
    .where(sql.ref("call_id"), "is not", null)
    .execute();
  await db.schema
    .createIndex("scheduling_bookings_uid")
    .on("scheduling_bookings")
    .columns(["tenant_id", "provider_uid"])
    .where(sql.ref("provider_uid"), "is not", null)
    .execute();
  await db.schema
    .createIndex("scheduling_bookings_start")
    .on("scheduling_bookings")
    .columns(["tenant_id", "start_at", "id"])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("scheduling_bookings").execute();
  await db.schema.dropTable("scheduling_agents").execute();
  await db.schema.dropTable("scheduling_connections").execute();
}
