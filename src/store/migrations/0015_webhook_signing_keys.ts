import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Asymmetric signing (Standard Webhooks `v1a`, ed25519) as a per-webhook option.
 * `signing_scheme` is which signatures `webhook-signature` carries: `v1` (HMAC, the only scheme
 * before this migration, so existing rows keep it), `v1a` or `both`. `signing_key` is the
 * webhook's ed25519 private key (`whsk_…`), encrypted like the HMAC secret; null for webhooks
 * created before this migration until they choose `v1a`. After a key rotation the previous key
 * keeps signing beside the new one until `previous_signing_key_expires_at`, like the secret.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("webhooks")
    .addColumn("signing_scheme", "text", (c) => c.notNull().defaultTo("v1"))
    .execute();
  await db.schema.alterTable("webhooks").addColumn("signing_key", "text").execute();
  await db.schema.alterTable("webhooks").addColumn("previous_signing_key", "text").execute();
  await db.schema.alterTable("webhooks").addColumn("previous_signing_key_expires_at", "bigint").execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("webhooks").dropColumn("previous_signing_key_expires_at").execute();
  await db.schema.alterTable("webhooks").dropColumn("previous_signing_key").execute();
  await db.schema.alterTable("webhooks").dropColumn("signing_key").execute();
  await db.schema.alterTable("webhooks").dropColumn("signing_scheme").execute();
}
