import { type Kysely, sql } from "kysely";
import type { DueWebhooks } from "../index.js";
import type { Database } from "../schema.js";

/**
 * Which webhooks have due deliveries: a loose index scan of `deliveries_due_webhook` (one seek per
 * webhook with pending deliveries, not one read per delivery), visiting at most `scan` webhooks
 * with ids after `afterId`. `resumeAfter` is where the next call goes on, or null after the last.
 */
export async function listDueWebhooks(
  db: Kysely<Database>,
  now: number,
  afterId: string | null,
  scan: number,
): Promise<DueWebhooks> {
  const result = await sql<{ id: string; due: number | boolean }>`
    with recursive pending_webhook(id, n) as (
      select (
        select webhook_id from deliveries
        where status = 'pending' and webhook_id > ${afterId ?? ""}
        order by webhook_id limit 1
      ), 1
      union all
      select (
        select webhook_id from deliveries
        where status = 'pending' and webhook_id > p.id
        order by webhook_id limit 1
      ), p.n + 1
      from pending_webhook p
      where p.id is not null and p.n < ${scan}
    )
    select p.id, exists (
      select 1 from deliveries d
      where d.webhook_id = p.id and d.status = 'pending' and d.next_attempt_at <= ${now}
    ) as due
    from pending_webhook p
    where p.id is not null`.execute(db);
  const visited = result.rows;
  return {
    webhookIds: visited.filter((row) => Boolean(Number(row.due))).map((row) => row.id),
    resumeAfter: visited.length >= scan ? (visited[visited.length - 1]?.id ?? null) : null,
  };
}
