import { type Kysely, sql } from "kysely";
import type { Database } from "../schema.js";
import type { DueStats } from "../store.js";

/** How many deliveries are due now and how long the oldest has waited (metrics). */
export async function dueStats(db: Kysely<Database>, now: number): Promise<DueStats> {
  // One query per lane, each answered from its own partial index.
  const lanes = await Promise.all(
    [sql`attempts = 0`, sql`attempts > 0`].map((attempts) =>
      sql<{ due: number | string; oldest: number | string | null }>`
        select count(*) as due, min(next_attempt_at) as oldest from deliveries
        where status = 'pending' and ${attempts} and next_attempt_at <= ${now}`.execute(db),
    ),
  );
  let due = 0;
  let oldestDueAt: number | null = null;
  for (const { rows } of lanes) {
    const row = rows[0];
    due += Number(row?.due ?? 0);
    if (row?.oldest != null)
      oldestDueAt = Math.min(oldestDueAt ?? Number.POSITIVE_INFINITY, Number(row.oldest));
  }
  return { due, oldestDueAt };
}
