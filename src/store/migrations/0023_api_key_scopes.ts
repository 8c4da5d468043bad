import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Scoped keys with an expiry. `scopes` holds the key's scopes as a JSON array (`["webhooks:read"]`);
 * null is a key without scopes, with full power — every key made before this migration.
 * `expires_at` (epoch ms) is when the key stops working; null never.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("scopes", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("expires_at", "bigint").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("api_keys").dropColumn("expires_at").execute();
  await db.schema.alterTable("api_keys").dropColumn("scopes").execute();
}
