import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Claimed deliveries by webhook: lets a claim count each endpoint's claims across all nodes
 * (per-endpoint limits enforced through the database). Only claimed pending rows are in it, so
 * it stays as small as the work in flight.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createIndex("deliveries_claimed")
    .on("deliveries")
    .columns(["webhook_id"])
    .where(() => sql<boolean>`status = 'pending' and lease_owner is not null`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("deliveries_claimed").execute();
}
