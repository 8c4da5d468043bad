import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Per-key ordered delivery (src/domain/ordering.ts).
 * - webhooks: `ordering` (`none` or `per_key`) and `ordering_key`, the path of the key in the
 *   event (`data.call_id` unless set).
 * - deliveries: `order_key`, the key of an ordered delivery (null: unordered). The index holds
 *   only pending ordered deliveries, in line order (id), so finding a key's first in line, or
 *   whether a key has anything pending, is one seek however large the table.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("webhooks")
    .addColumn("ordering", "text", (c) => c.notNull().defaultTo("none"))
    .execute();
  await db.schema
    .alterTable("webhooks")
    .addColumn("ordering_key", "text", (c) => c.notNull().defaultTo("data.call_id"))
    .execute();
  await db.schema.alterTable("deliveries").addColumn("order_key", "text").execute();
  await db.schema
    .createIndex("deliveries_order_line")
    .on("deliveries")
    .columns(["webhook_id", "order_key", "id"])
    .where(() => sql<boolean>`status = 'pending' and order_key is not null`)
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex("deliveries_order_line").execute();
  await db.schema.alterTable("deliveries").dropColumn("order_key").execute();
  await db.schema.alterTable("webhooks").dropColumn("ordering_key").execute();
  await db.schema.alterTable("webhooks").dropColumn("ordering").execute();
}
