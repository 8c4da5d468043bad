import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Tenant settings: one JSON document per tenant (case types, custom field definitions, records
 * settings) with a version, so two writers of the same tenant's settings compare-and-set instead
 * of overwriting each other. Intake from calls looks cases up by the call that opened them, hence
 * the index on (tenant_id, call_id).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("tenant_settings")
    .addColumn("tenant_id", "text", (c) => c.primaryKey().references("tenants.id"))
    .addColumn("document", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("cases_call").on("cases").columns(["tenant_id", "call_id"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("cases_call").execute();
  await db.schema.dropTable("tenant_settings").execute();
}
