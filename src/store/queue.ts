/**
 * The delivery table is the queue (transactional outbox). Everything that writes deliveries
 * and attempts lives here, one function per operation, so the hot paths can be read whole.
 */
import { type Kysely, sql } from "kysely";
import { chunks } from "./chunks.js";
import { claimLaneCapped } from "./claim-capped.js";
import { attemptFromRow, attemptToRow, deliveryFromRow, HELD_UNTIL_ENABLED, page } from "./rows.js";
import type { Database, DeliveryTable, EventTable } from "./schema.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, DueStats, ListOptions, Page } from "./store.js";

type Db = Kysely<Database>;

export async function listDeliveriesForEvent(
  db: Db,
  tenantId: string,
  eventId: string,
): Promise<DeliveryRecord[]> {
  const rows = await db
    .selectFrom("deliveries")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("event_id", "=", eventId)
    .orderBy("id")
    .execute();
  return rows.map(deliveryFromRow);
}

export async function listDeliveries(
  db: Db,
  tenantId: string,
  options: ListOptions & { webhookId?: string; status?: DeliveryStatus; eventId?: string },
): Promise<Page<DeliveryRecord>> {
  let q = db.selectFrom("deliveries").selectAll().where("tenant_id", "=", tenantId);
  if (options.webhookId) q = q.where("webhook_id", "=", options.webhookId);
  if (options.eventId) q = q.where("event_id", "=", options.eventId);
  if (options.status) q = q.where("status", "=", options.status);
  if (options.cursor) q = q.where("id", "<", options.cursor);
  const rows = await q
    .orderBy("id", "desc")
    .limit(options.limit + 1)
    .execute();
  return page(rows.map(deliveryFromRow), options.limit);
}

export async function getDelivery(db: Db, tenantId: string, id: string): Promise<DeliveryRecord | null> {
  const row = await db
    .selectFrom("deliveries")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .executeTakeFirst();
  return row ? deliveryFromRow(row) : null;
}

export async function listAttempts(db: Db, tenantId: string, deliveryId: string): Promise<AttemptRecord[]> {
  const rows = await db
    .selectFrom("attempts")
    .selectAll()
    .where("tenant_id", "=", tenantId)
    .where("delivery_id", "=", deliveryId)
    .orderBy("id")
    .execute();
  return rows.map(attemptFromRow);
}

/** A failed or pending (unclaimed) delivery becomes due now. */
export async function retryDelivery(
  db: Db,
  tenantId: string,
  id: string,
  now: number,
): Promise<DeliveryRecord | null> {
  const row = await db
    .updateTable("deliveries")
    .set({ status: "pending", next_attempt_at: now, updated_at: now })
    .where("tenant_id", "=", tenantId)
    .where("id", "=", id)
    .where((eb) =>
      eb.or([
        eb("status", "=", "failed"),
        eb.and([eb("status", "=", "pending"), eb("lease_owner", "is", null)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  return row ? deliveryFromRow(row) : null;
}

export async function replayDeliveries(
  db: Db,
  tenantId: string,
  webhookId: string,
  filter: { statuses: DeliveryStatus[]; since?: number; until?: number },
  afterId: string | null,
  limit: number,
  now: number,
): Promise<{ replayed: number; lastId: string | null }> {
  return db.transaction().execute(async (tx) => {
    let q = tx
      .selectFrom("deliveries")
      .select("id")
      .where("tenant_id", "=", tenantId)
      .where("webhook_id", "=", webhookId)
      .where("status", "in", filter.statuses);
    if (afterId) q = q.where("id", ">", afterId);
    if (filter.since !== undefined) q = q.where("created_at", ">=", filter.since);
    if (filter.until !== undefined) q = q.where("created_at", "<", filter.until);
    const ids = (await q.orderBy("id").limit(limit).execute()).map((r) => r.id);
    if (ids.length === 0) return { replayed: 0, lastId: null };
    const result = await tx
      .updateTable("deliveries")
      .set({ status: "pending", next_attempt_at: now, updated_at: now })
      .where("id", "in", ids)
      .where("lease_owner", "is", null)
      .executeTakeFirst();
    return { replayed: Number(result.numUpdatedRows), lastId: ids[ids.length - 1] ?? null };
  });
}

/** Share of a claim reserved for first attempts; retries get the rest, and either fills unused room. */
const FIRST_ATTEMPT_SHARE = 0.75;

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

export async function releaseDeliveries(db: Db, owner: string, ids: string[], dueAt: number): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set({ lease_owner: null, next_attempt_at: dueAt, updated_at: dueAt })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}

export async function renewClaims(db: Db, owner: string, ids: string[], leaseUntil: number): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set({ next_attempt_at: leaseUntil })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}

export async function parkDeliveries(db: Db, owner: string, ids: string[], now: number): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set((eb) => ({
        lease_owner: null,
        updated_at: now,
        // Decided inside the statement, so an enable committed meanwhile is not missed.
        next_attempt_at: eb
          .case()
          .when(
            eb.selectFrom("webhooks").select("enabled").whereRef("webhooks.id", "=", "deliveries.webhook_id"),
            "=",
            1,
          )
          .then(now)
          .else(HELD_UNTIL_ENABLED)
          .end(),
      }))
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}

export async function cancelDeliveries(
  db: Db,
  owner: string,
  ids: string[],
  reason: string,
  now: number,
): Promise<void> {
  for (const chunk of chunks(ids)) {
    await db
      .updateTable("deliveries")
      .set({ status: "cancelled", lease_owner: null, last_error: reason, updated_at: now })
      .where("id", "in", chunk)
      .where("lease_owner", "=", owner)
      .where("status", "=", "pending")
      .execute();
  }
}

export async function recordTestDelivery(
  db: Db,
  event: EventTable,
  delivery: DeliveryRecord,
  attempt: AttemptRecord,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("events").values(event).execute();
    await tx.insertInto("deliveries").values(delivery).execute();
    await tx.insertInto("attempts").values(attemptToRow(attempt)).execute();
  });
}

export async function dueStats(db: Db, now: number): Promise<DueStats> {
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
