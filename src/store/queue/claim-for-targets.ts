import { type Kysely, sql } from "kysely";
import type { DeliveryRecord, WebhookClaim } from "../index.js";
import { deliveryFromRow } from "../rows.js";
import type { Database, DeliveryTable } from "../schema.js";

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
