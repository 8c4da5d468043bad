import { type Kysely, sql } from "kysely";
import { deliveryFromRow } from "../rows.js";
import type { Database, DeliveryTable } from "../schema.js";
import type { DeliveryRecord } from "../store.js";

/** Any constant: the advisory lock that serialises capped claims across nodes. */
const CLAIM_LOCK = 7_543_001;

/**
 * A claim that keeps each webhook's claimed deliveries — across every node — within its
 * `max_in_flight` (or `defaultCap`): PostgreSQL, many workers. The claims of all nodes take turns
 * under one transaction-scoped advisory lock, so two nodes cannot both see room for the same
 * endpoint; the count reads the small `deliveries_claimed` index. Candidates are read in due
 * order from the lane's partial index, ranked per webhook, and only those within the cap are
 * taken. Measured cost: one extra round trip per claim.
 */
export function claimLaneCapped(
  db: Kysely<Database>,
  lane: "first" | "retry",
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
  skipWebhookIds: string[],
  defaultCap: number,
): Promise<DeliveryRecord[]> {
  const attempts = lane === "first" ? sql`attempts = 0` : sql`attempts > 0`;
  const skip =
    skipWebhookIds.length > 0
      ? sql`and webhook_id not in (${sql.join(skipWebhookIds.slice(0, 500))})`
      : sql``;
  return db.transaction().execute(async (tx) => {
    await sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(tx);
    const result = await sql<DeliveryTable>`
      with claimed as (
        select webhook_id, count(*) as n from deliveries
        where status = 'pending' and lease_owner is not null and next_attempt_at > ${now}
        group by webhook_id
      ),
      candidates as (
        select id, webhook_id, next_attempt_at from deliveries
        where status = 'pending' and ${attempts} and next_attempt_at <= ${now} ${skip}
        order by next_attempt_at
        limit ${limit * 4}
        for update skip locked
      ),
      ranked as (
        select c.id, c.next_attempt_at,
          row_number() over (partition by c.webhook_id order by c.next_attempt_at, c.id) as rank,
          coalesce(claimed.n, 0) as taken,
          coalesce(w.max_in_flight, ${defaultCap}) as cap
        from candidates c
        join webhooks w on w.id = c.webhook_id
        left join claimed on claimed.webhook_id = c.webhook_id
      )
      update deliveries set lease_owner = ${owner}, next_attempt_at = ${leaseUntil}, updated_at = ${now}
      where id in (select id from ranked where rank + taken <= cap order by next_attempt_at limit ${limit})
      returning *`.execute(tx);
    return result.rows.map(deliveryFromRow);
  });
}
