import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Records: the firm's clients and cases. Lists (phones, emails, addresses) and free-form fields
 * are JSON text like everywhere else; `client_contacts` holds each client's normalised phone
 * numbers and emails one per row so a lookup by number (an incoming call) is an index probe, not
 * a scan of JSON. `name_search` is the lower-cased full name, because LIKE is case-insensitive on
 * SQLite but not on PostgreSQL. Deletes are soft (`deleted_at`): events and CRM links still name
 * the record.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable("clients")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("name_search", "text", (c) => c.notNull())
    .addColumn("phones", "text", (c) => c.notNull())
    .addColumn("emails", "text", (c) => c.notNull())
    .addColumn("addresses", "text", (c) => c.notNull())
    .addColumn("date_of_birth", "text")
    .addColumn("preferred_language", "text")
    .addColumn("opt_out", "integer", (c) => c.notNull())
    .addColumn("custom_fields", "text", (c) => c.notNull())
    .addColumn("external_ids", "text", (c) => c.notNull())
    .addColumn("source", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema.createIndex("clients_tenant").on("clients").columns(["tenant_id", "id"]).execute();
  await db.schema.createIndex("clients_updated").on("clients").columns(["tenant_id", "updated_at"]).execute();

  await db.schema
    .createTable("client_contacts")
    .addColumn("tenant_id", "text", (c) => c.notNull())
    .addColumn("client_id", "text", (c) => c.notNull().references("clients.id"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("client_contacts_pk", ["client_id", "kind", "value"])
    .execute();
  await db.schema
    .createIndex("client_contacts_lookup")
    .on("client_contacts")
    .columns(["tenant_id", "kind", "value"])
    .execute();

  await db.schema
    .createTable("cases")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("tenant_id", "text", (c) => c.notNull().references("tenants.id"))
    .addColumn("client_id", "text", (c) => c.notNull().references("clients.id"))
    .addColumn("case_type", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("substatus", "text")
    .addColumn("title", "text")
    .addColumn("description", "text")
    .addColumn("incident_date", "text")
    .addColumn("campaign_id", "text")
    .addColumn("call_id", "text")
    .addColumn("custom_fields", "text", (c) => c.notNull())
    .addColumn("external_ids", "text", (c) => c.notNull())
    .addColumn("source", "text")
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema.createIndex("cases_tenant").on("cases").columns(["tenant_id", "id"]).execute();
  await db.schema.createIndex("cases_client").on("cases").columns(["tenant_id", "client_id", "id"]).execute();
  await db.schema.createIndex("cases_status").on("cases").columns(["tenant_id", "status", "id"]).execute();
  await db.schema.createIndex("cases_updated").on("cases").columns(["tenant_id", "updated_at"]).execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable("cases").execute();
  await db.schema.dropTable("client_contacts").execute();
  await db.schema.dropTable("clients").execute();
}
