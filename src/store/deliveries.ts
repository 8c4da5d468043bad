import { type Kysely, type Selectable, sql } from "kysely";
import { AWAITING_TURN } from "../domain/ordering.js";
import { linesOf, lockLines, requeueInLine } from "./ordering.js";
import { attemptFromRow, attemptToRow, deliveryFromRow, eventToRow, page } from "./rows.js";
import type { Database, DeliveryTable } from "./schema.js";
import type {
  AttemptRecord,
  DeliveryFilter,
  DeliveryRecord,
  DeliveryRepository,
  DeliveryStatus,
  DeliveryView,
  EventRecord,
  ListOptions,
  Page,
} from "./store.js";

/** Deliveries and attempts as the API reads and re-queues them: one function per operation. */
type Db = Kysely<Database>;

/** Deliveries joined with their event's type and their target's circuit. */
function views(db: Db, tenantId: string) {
  return db
    .selectFrom("deliveries")
    .innerJoin("events", "events.id", "deliveries.event_id")
    .leftJoin("webhook_health", "webhook_health.webhook_id", "deliveries.webhook_id")
    .selectAll("deliveries")
    .select(["events.type as event_type", "webhook_health.circuit_state", "webhook_health.retry_at"])
    .select(orderBlockedBy().as("order_blocked_by"))
    .where("deliveries.tenant_id", "=", tenantId);
}

/**
 * For a delivery waiting for its turn in its key's line: the one holding the key (the pending
 * one of its line that is not waiting — in flight, retrying or held), else the one just ahead
 * of it. One seek of the line's index, made only for waiting rows.
 */
function orderBlockedBy() {
  return sql<string | null>`case when deliveries.next_attempt_at = ${AWAITING_TURN} then coalesce(
    (select b.id from deliveries b
      where b.webhook_id = deliveries.webhook_id and b.order_key = deliveries.order_key
        and b.status = 'pending' and b.next_attempt_at <> ${AWAITING_TURN} and b.id <> deliveries.id
      order by b.id limit 1),
    (select b.id from deliveries b
      where b.webhook_id = deliveries.webhook_id and b.order_key = deliveries.order_key
        and b.status = 'pending' and b.id < deliveries.id
      order by b.id desc limit 1)
  ) end`;
}

function viewFromRow(
  row: Selectable<DeliveryTable> & {
    event_type: string;
    circuit_state: string | null;
    retry_at: number | string | null;
    order_blocked_by: string | null;
  },
): DeliveryView {
  const { circuit_state, retry_at, event_type, order_blocked_by, ...delivery } = row;
  return {
    ...deliveryFromRow(delivery),
    event_type,
    circuit_open_until: circuit_state === "open" && retry_at !== null ? Number(retry_at) : null,
    order_blocked_by,
  };
}

export async function listDeliveriesForEvent(
  db: Db,
  tenantId: string,
  eventId: string,
): Promise<DeliveryView[]> {
  const rows = await views(db, tenantId)
    .where("deliveries.event_id", "=", eventId)
    .orderBy("deliveries.id")
    .execute();
  return rows.map(viewFromRow);
}

export async function listDeliveries(
  db: Db,
  tenantId: string,
  options: ListOptions & DeliveryFilter,
): Promise<Page<DeliveryView>> {
  let q = views(db, tenantId);
  if (options.webhookId) q = q.where("deliveries.webhook_id", "=", options.webhookId);
  if (options.eventId) q = q.where("deliveries.event_id", "=", options.eventId);
  if (options.status) q = q.where("deliveries.status", "=", options.status);
  if (options.eventTypes !== undefined)
    q = q.where("events.type", "in", options.eventTypes.length > 0 ? options.eventTypes : [""]);
  if (options.since !== undefined) q = q.where("deliveries.created_at", ">=", options.since);
  if (options.until !== undefined) q = q.where("deliveries.created_at", "<", options.until);
  if (options.cursor) q = q.where("deliveries.id", "<", options.cursor);
  const rows = await q
    .orderBy("deliveries.id", "desc")
    .limit(options.limit + 1)
    .execute();
  return page(rows.map(viewFromRow), options.limit);
}

export async function getDelivery(db: Db, tenantId: string, id: string): Promise<DeliveryView | null> {
  const row = await views(db, tenantId).where("deliveries.id", "=", id).executeTakeFirst();
  return row ? viewFromRow(row) : null;
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

/**
 * A failed or pending (unclaimed) delivery becomes due now — or, when it is ordered, goes back to
 * its place in its key's line: due now if nothing ahead of it is pending or on its way, else
 * waiting for its turn (src/store/ordering.ts).
 */
export async function retryDelivery(
  db: Db,
  tenantId: string,
  id: string,
  now: number,
): Promise<DeliveryRecord | null> {
  return db.transaction().execute(async (tx) => {
    // An ordered delivery's line is locked before its row, in the order outcomes take them.
    const line = await tx
      .selectFrom("deliveries")
      .select(["webhook_id", "order_key"])
      .where("tenant_id", "=", tenantId)
      .where("id", "=", id)
      .executeTakeFirst();
    if (line) await lockLines(tx, linesOf([line]));
    const row = await tx
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
    if (!row) return null;
    if (row.order_key === null) return deliveryFromRow(row);
    await requeueInLine(tx, [row], now);
    const after = await tx
      .selectFrom("deliveries")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    return deliveryFromRow(after);
  });
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
      .select(["id", "webhook_id", "order_key"])
      .where("tenant_id", "=", tenantId)
      .where("webhook_id", "=", webhookId)
      .where("status", "in", filter.statuses);
    if (afterId) q = q.where("id", ">", afterId);
    if (filter.since !== undefined) q = q.where("created_at", ">=", filter.since);
    if (filter.until !== undefined) q = q.where("created_at", "<", filter.until);
    const found = await q.orderBy("id").limit(limit).execute();
    const ids = found.map((r) => r.id);
    if (ids.length === 0) return { replayed: 0, lastId: null };
    // Ordered deliveries' lines are locked before their rows, in the order outcomes take them.
    await lockLines(tx, linesOf(found));
    const replayed = await tx
      .updateTable("deliveries")
      .set({ status: "pending", next_attempt_at: now, updated_at: now })
      .where("id", "in", ids)
      .where("lease_owner", "is", null)
      .returning(["id", "webhook_id", "order_key"])
      .execute();
    // Ordered ones go back to their places in their keys' lines, one at a time per key.
    await requeueInLine(tx, replayed, now);
    return { replayed: replayed.length, lastId: ids[ids.length - 1] ?? null };
  });
}

export async function recordTestDelivery(
  db: Db,
  event: EventRecord,
  delivery: DeliveryRecord,
  attempt: AttemptRecord,
): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.insertInto("events").values(eventToRow(event)).execute();
    await tx.insertInto("deliveries").values(delivery).execute();
    await tx.insertInto("attempts").values(attemptToRow(attempt)).execute();
  });
}

export function deliveryRepository(db: Db): DeliveryRepository {
  return {
    listForEvent: (tenantId, eventId) => listDeliveriesForEvent(db, tenantId, eventId),
    list: (tenantId, options) => listDeliveries(db, tenantId, options),
    get: (tenantId, id) => getDelivery(db, tenantId, id),
    listAttempts: (tenantId, deliveryId) => listAttempts(db, tenantId, deliveryId),
    retry: (tenantId, id, now) => retryDelivery(db, tenantId, id, now),
    replay: (tenantId, targetId, filter, afterId, limit, now) =>
      replayDeliveries(db, tenantId, targetId, filter, afterId, limit, now),
    recordTest: (event, delivery, attempt) => recordTestDelivery(db, event, delivery, attempt),
  };
}
