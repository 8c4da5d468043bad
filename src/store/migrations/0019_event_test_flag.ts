import type { Kysely } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Events sent by "send test" are marked (1), so their envelope says `"test": true` and the
 * default event list leaves them out. Events stored before this migration were all real (0).
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("events")
    .addColumn("test", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("events").dropColumn("test").execute();
}
