import { type Kysely, sql } from "kysely";
import { deliveryFromRow } from "../rows.js";
import type { Database, DeliveryTable } from "../schema.js";
import type { DeliveryRecord } from "../store.js";
import { claimLaneCapped } from "./claim-capped.js";

type Db = Kysely<Database>;

/** Share of a claim reserved for first attempts; retries get the rest, and either fills unused room. */
const FIRST_ATTEMPT_SHARE = 0.75;

/**
 * Claims a batch in two lanes — first attempts and retries, each read from its own partial index
 * in due order — so a large retry backlog never starves fresh deliveries, nor the reverse.
 */
/**
 * Claims a batch in two lanes — first attempts and retries, each read from its own partial index
 * in due order — so a large retry backlog never starves fresh deliveries, nor the reverse.
 */
export async function claimDueDeliveries(
  db: Db,
  dialect: "sqlite" | "postgres",
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
  skipWebhookIds: string[],
  sharedCap: number | null,
): Promise<DeliveryRecord[]> {
  const claim = (lane: "first" | "retry", n: number) => {
    if (n <= 0) return Promise.resolve([]);
    return sharedCap !== null && dialect === "postgres"
      ? claimLaneCapped(db, lane, owner, now, leaseUntil, n, skipWebhookIds, sharedCap)
      : claimLane(db, dialect, lane, owner, now, leaseUntil, n, skipWebhookIds);
  };
  const firstShare = Math.ceil(limit * FIRST_ATTEMPT_SHARE);
  const first = await claim("first", firstShare);
  const retries = await claim("retry", limit - first.length);
  const more = first.length === firstShare ? await claim("first", limit - first.length - retries.length) : [];
  return [...first, ...retries, ...more];
}

/**
 * One statement claims up to `limit` due deliveries of one lane: they get the owner and a lease,
 * expressed by pushing `next_attempt_at` to the lease's end — an expired lease simply makes the
 * row due again, so a dead node's claims are taken over without a separate sweep.
 */
async function claimLane(
  db: Db,
  dialect: "sqlite" | "postgres",
  lane: "first" | "retry",
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
  skipWebhookIds: string[],
): Promise<DeliveryRecord[]> {
  const lock = dialect === "postgres" ? sql`for update skip locked` : sql``;
  // Literal predicates, matching the partial indexes' own, so both databases pick them.
  const attempts = lane === "first" ? sql`attempts = 0` : sql`attempts > 0`;
  const skip =
    skipWebhookIds.length > 0
      ? sql`and webhook_id not in (${sql.join(skipWebhookIds.slice(0, 500))})`
      : sql``;
  const result = await sql<DeliveryTable>`
    update deliveries set lease_owner = ${owner}, next_attempt_at = ${leaseUntil}, updated_at = ${now}
    where id in (
      select id from deliveries
      where status = 'pending' and ${attempts} and next_attempt_at <= ${now} ${skip}
      order by next_attempt_at
      limit ${limit}
      ${lock}
    )
    returning *`.execute(db);
  return result.rows.map(deliveryFromRow);
}
