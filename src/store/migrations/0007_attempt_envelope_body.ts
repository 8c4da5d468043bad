import type { Kysely } from "kysely";
import { sql } from "kysely";

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's table types.
type AnyDb = Kysely<any>;

/**
 * Attempts whose body was the event's standard envelope keep a flag instead of a copy: the
 * envelope is rebuilt from the event. The copy made each attempt row about 2 KiB, one SQLite page
 * per attempt, and most of what every delivery wrote.
 */
export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .alterTable("attempts")
    .addColumn("request_body_envelope", "integer", (c) => c.notNull().defaultTo(sql`0`))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable("attempts").dropColumn("request_body_envelope").execute();
}
