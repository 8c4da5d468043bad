import { type Kysely, sql } from "kysely";
import { LATENCY_BUCKET_BOUNDS } from "../../domain/delivery-activity.js";
import type { Database } from "../schema.js";
import type { AttemptMinuteTable } from "./tables.js";

export const MINUTE_MS = 60_000;

/** `case when duration_ms < 5 then 0 when … else 12 end`: the latency bucket, in SQL. */
const bucketExpression = sql.join(
  [
    sql`case`,
    ...LATENCY_BUCKET_BOUNDS.map((bound, i) => sql`when duration_ms < ${sql.lit(bound)} then ${sql.lit(i)}`),
    sql`else ${sql.lit(LATENCY_BUCKET_BOUNDS.length)} end`,
  ],
  sql` `,
);

/**
 * A webhook's raw attempts in [from, until) grouped as `attempt_minutes` rows: one range of
 * `attempts_webhook_activity` (migration 0024), which holds every column read, so no table row is
 * visited. Its cost grows with the attempts in the range (3.2 s for a day of 1,000,000 on SQLite),
 * which is why only the roll-up and the last minutes call it.
 */
export async function rawMinutes(
  db: Kysely<Database>,
  webhookId: string,
  from: number,
  until: number,
): Promise<AttemptMinuteTable[]> {
  if (from >= until) return [];
  const { rows } = await sql<{
    minute: number | string;
    succeeded: number;
    answered: number;
    bucket: number;
    n: number | string;
    min_ms: number;
    max_ms: number;
  }>`
    select (created_at / ${sql.lit(MINUTE_MS)}) * ${sql.lit(MINUTE_MS)} as minute,
      succeeded,
      case when response_status is null then 0 else 1 end as answered,
      ${bucketExpression} as bucket,
      count(*) as n, min(duration_ms) as min_ms, max(duration_ms) as max_ms
    from attempts
    where webhook_id = ${webhookId} and created_at >= ${from} and created_at < ${until}
    group by 1, 2, 3, 4`.execute(db);
  return rows.map((r) => ({
    webhook_id: webhookId,
    minute: Number(r.minute),
    succeeded: Number(r.succeeded),
    answered: Number(r.answered),
    bucket: Number(r.bucket),
    attempts: Number(r.n),
    min_ms: Number(r.min_ms),
    max_ms: Number(r.max_ms),
  }));
}
