import type { Kysely, Transaction } from "kysely";
import { chunks } from "./chunks.js";
import { releaseHeld, unholdWhereFollowUpArrived } from "./holds.js";
import { enqueueJob } from "./jobs/enqueue.js";
import { lineUp } from "./ordering.js";
import { eventFromRow, eventToRow } from "./rows.js";
import type { Database, DeliveryTable, EventTable } from "./schema.js";
import type { IngestClaim, IngestGroup, IngestResult, NewEvent } from "./store.js";

type Db = Kysely<Database>;

/**
 * Stores events and their deliveries in one transaction (the outbox write). Events with an
 * idempotency key the tenant already used are not stored again; deliveries may be created
 * already claimed for the local dispatcher, or held for a follow-up event.
 */
export function ingestEvents(
  db: Db,
  tenantId: string,
  events: NewEvent[],
  now: number,
  claimFor: IngestClaim | null,
): Promise<IngestResult[]> {
  return db.transaction().execute((tx) => writeEvents(tx, tenantId, events, now, claimFor));
}

/**
 * Several callers' events in one transaction (group commit): on SQLite each commit writes its
 * pages to the WAL and every ~1 000 pages checkpoints with an fsync, so N single events in one
 * commit cost far less than N commits. One tenant's groups are written together, so the same
 * few statements carry all of their events. Results in the order of `groups`.
 */
export function ingestEventGroups(db: Db, groups: IngestGroup[]): Promise<IngestResult[][]> {
  return db.transaction().execute(async (tx) => {
    const byTenant = new Map<string, number[]>();
    groups.forEach((group, i) => {
      const list = byTenant.get(group.tenantId);
      if (list) list.push(i);
      else byTenant.set(group.tenantId, [i]);
    });
    const results: IngestResult[][] = groups.map(() => []);
    for (const [tenantId, indexes] of byTenant) {
      const mine = indexes.map((i) => groups[i] as IngestGroup);
      const claim = mergedClaim(mine.map((g) => g.claimFor));
      if (claim === undefined) {
        // Claims for different owners cannot be merged: each group on its own.
        for (const i of indexes) {
          const g = groups[i] as IngestGroup;
          results[i] = await writeEvents(tx, tenantId, g.events, g.now, g.claimFor);
        }
        continue;
      }
      const now = Math.max(...mine.map((g) => g.now));
      const written = await writeEvents(
        tx,
        tenantId,
        mine.flatMap((g) => g.events),
        now,
        claim,
      );
      // writeEvents answers one result per event, in order.
      let at = 0;
      for (const i of indexes) {
        const count = (groups[i] as IngestGroup).events.length;
        results[i] = written.slice(at, at + count);
        at += count;
      }
    }
    return results;
  });
}

/**
 * The claims of several groups as one: the counts per webhook add up (the dispatcher accepted
 * each), the earliest lease holds. Undefined when two claims name different owners.
 */
function mergedClaim(claims: Array<IngestClaim | null>): IngestClaim | null | undefined {
  let owner: string | null = null;
  let leaseUntil = Number.POSITIVE_INFINITY;
  const perWebhook = new Map<string, number>();
  for (const claim of claims) {
    if (claim === null) continue;
    if (owner !== null && claim.owner !== owner) return undefined;
    owner = claim.owner;
    leaseUntil = Math.min(leaseUntil, claim.leaseUntil);
    for (const [id, count] of claim.perWebhook) perWebhook.set(id, (perWebhook.get(id) ?? 0) + count);
  }
  return owner === null ? null : { owner, leaseUntil, perWebhook };
}

/**
 * The outbox write inside the caller's transaction: a record change and the events it causes
 * commit together or not at all (see `ingestEvents` for the rules).
 */
export async function writeEvents(
  tx: Transaction<Database>,
  tenantId: string,
  events: NewEvent[],
  now: number,
  claimFor: IngestClaim | null,
): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  const fresh: EventTable[] = [];
  const deliveries: DeliveryTable[] = [];
  const claimedSoFar = new Map<string, number>();
  for (const item of events) {
    const { event } = item;
    if (event.idempotency_key !== null) {
      const inserted = await tx
        .insertInto("events")
        .values(eventToRow(event))
        .onConflict((oc) =>
          oc.columns(["tenant_id", "idempotency_key"]).where("idempotency_key", "is not", null).doNothing(),
        )
        .returning("id")
        .executeTakeFirst();
      if (!inserted) {
        const first = await tx
          .selectFrom("events")
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .where("idempotency_key", "=", event.idempotency_key)
          .executeTakeFirstOrThrow();
        results.push({ event: eventFromRow(first), deliveries: [], duplicate: true });
        continue;
      }
    } else {
      fresh.push(eventToRow(event));
    }
    for (const delivery of item.deliveries) {
      const { hold, webhookId } = delivery;
      // Held deliveries wait for their follow-up event: never handed to a dispatcher at once.
      let mine = false;
      if (claimFor !== null && hold === null) {
        const taken = claimedSoFar.get(webhookId) ?? 0;
        if (taken < (claimFor.perWebhook.get(webhookId) ?? 0)) {
          claimedSoFar.set(webhookId, taken + 1);
          mine = true;
        }
      }
      delivery.claimed = mine;
      deliveries.push({
        id: delivery.id,
        tenant_id: tenantId,
        event_id: event.id,
        webhook_id: webhookId,
        status: "pending",
        attempts: 0,
        next_attempt_at: hold ? hold.until : mine && claimFor ? claimFor.leaseUntil : now,
        lease_owner: mine && claimFor ? claimFor.owner : null,
        first_attempt_at: null,
        last_attempt_at: null,
        last_status_code: null,
        last_error: null,
        appended: null,
        hold_key: hold?.key ?? null,
        hold_event_type: hold?.eventType ?? null,
        hold_until: hold?.until ?? null,
        merge_event_id: null,
        order_key: delivery.orderKey ?? null,
        created_at: now,
        updated_at: now,
      });
    }
    results.push({ event, deliveries: item.deliveries, duplicate: false });
    // The event's follow-up work commits with it: accepted means it will happen.
    for (const job of item.jobs ?? []) await enqueueJob(tx, job, now);
  }
  // Follow-ups that arrived before the events waiting for them: those deliveries are not held.
  const unheld = await unholdWhereFollowUpArrived(tx, tenantId, deliveries, now);
  // Ordered deliveries whose key has deliveries pending wait for their turn, unclaimed.
  const waiting = await lineUp(tx, deliveries);
  if (waiting.size > 0) {
    for (const result of results) {
      for (const delivery of result.deliveries) if (waiting.has(delivery.id)) delivery.claimed = false;
    }
  }
  for (const chunk of chunks(fresh)) await tx.insertInto("events").values(chunk).execute();
  for (const chunk of chunks(deliveries)) await tx.insertInto("deliveries").values(chunk).execute();
  // Events of this batch may be the follow-ups held deliveries wait for (including deliveries
  // created just above): released in the same transaction, so none is missed or lost.
  const releases = results.flatMap((r) => {
    const key = r.duplicate ? undefined : r.event.data?.call_id;
    return typeof key === "string" ? [{ key, eventType: r.event.type, eventId: r.event.id }] : [];
  });
  const released = await releaseHeld(tx, tenantId, releases, now);
  for (const result of results) {
    const count = (released.get(result.event.id) ?? 0) + (unheld.get(result.event.id) ?? 0);
    if (count > 0 && !result.duplicate) result.released = count;
  }
  return results;
}
