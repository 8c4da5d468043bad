import { type Kysely, sql } from "kysely";
import { deliveryFromRow } from "./rows.js";
import type { Database, DeliveryTable } from "./schema.js";
import type { DeliveryRecord, DueWebhooks, WebhookClaim } from "./store.js";

type Db = Kysely<Database>;

/**
 * Claims each listed webhook's due deliveries, up to its own limit, in due order — read from the
 * webhook's slice of `deliveries_due_webhook`, so the cost is the rows taken whatever else is due
 * (the global claim passes over full lanes' deliveries one by one). One transaction: one commit
 * on SQLite, and on PostgreSQL the rows are locked (skip locked) only by this node's claim.
 */
export function claimDueForWebhooks(
  db: Db,
  dialect: "sqlite" | "postgres",
  owner: string,
  now: number,
  leaseUntil: number,
  wants: WebhookClaim[],
): Promise<DeliveryRecord[]> {
  return db.transaction().execute(async (tx) => {
    const claimed: DeliveryRecord[] = [];
    for (const want of wants) {
      if (want.limit > 0) claimed.push(...(await claimWebhookDue(tx, dialect, owner, now, leaseUntil, want)));
    }
    return claimed;
  });
}

/** One webhook's share of {@link claimDueForWebhooks}: a single statement. */
export async function claimWebhookDue(
  db: Db,
  dialect: "sqlite" | "postgres",
  owner: string,
  now: number,
  leaseUntil: number,
  want: WebhookClaim,
): Promise<DeliveryRecord[]> {
  const lock = dialect === "postgres" ? sql`for update skip locked` : sql``;
  const result = await sql<DeliveryTable>`
    update deliveries set lease_owner = ${owner}, next_attempt_at = ${leaseUntil}, updated_at = ${now}
    where id in (
      select id from deliveries
      where webhook_id = ${want.webhookId} and status = 'pending' and next_attempt_at <= ${now}
      order by next_attempt_at
      limit ${want.limit}
      ${lock}
    )
    returning *`.execute(db);
  return result.rows.map(deliveryFromRow);
}

/**
 * Which webhooks have due deliveries: a loose index scan of `deliveries_due_webhook` (one seek per
 * webhook with pending deliveries, not one read per delivery), visiting at most `scan` webhooks
 * with ids after `afterId`. `resumeAfter` is where the next call goes on, or null after the last.
 */
export async function listDueWebhooks(
  db: Db,
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
