import { type Kysely, type RawBuilder, sql } from "kysely";
import type { DueStats } from "../index.js";
import type { Database } from "../schema.js";

/** The two due lanes, each answered from its own partial index (0004_due_lanes). */
const LANES = [sql`attempts = 0`, sql`attempts > 0`];

/** Rows read from the head of a lane to find its oldest delivery not held by an open circuit. */
const HEAD_ROWS = 64;

/**
 * The backlog for metrics: deliveries due now and not held, those held by an open circuit, and
 * when the oldest due one (not held) became due.
 *
 * Counts stop at `cap` (read `cap` as "at least that many"): a full count read every due row on
 * each scrape (51 ms at 1 000 000 on SQLite and 159 ms on PostgreSQL on a quiet machine); a
 * capped count reads at most `cap` (+ held) index entries per lane whatever the backlog — see
 * BACKLOG_COUNT_CAP for the measurements. When held deliveries reach the cap, `due` may still
 * include up to (held − cap) of them. Held deliveries are those of webhooks whose stored circuit
 * is open (webhook_health), counted through `deliveries_due_webhook`.
 */
export async function dueStats(db: Kysely<Database>, now: number, cap: number): Promise<DueStats> {
  const open = await db
    .selectFrom("webhook_health")
    .select("webhook_id")
    .where("circuit_state", "=", "open")
    .where("retry_at", ">", now)
    .execute();
  const heldIds = new Set(open.map((row) => row.webhook_id));
  const held = heldIds.size === 0 ? 0 : await countHeld(db, [...heldIds], now, cap);
  // Each lane counted up to cap + held, so that taking the held ones away still leaves an exact
  // count below the cap (held deliveries sit in the same lanes).
  const laneCap = cap + held;
  const lanes = await Promise.all(LANES.map((lane) => laneHead(db, lane, now, laneCap)));
  const total = lanes.reduce((sum, lane) => sum + lane.count, 0);
  return {
    due: Math.min(cap, Math.max(0, total - held)),
    held,
    oldestDueAt: await oldestNotHeld(db, lanes, heldIds, now),
  };
}

interface LaneHead {
  count: number;
  /** The lane's first due rows, oldest first. */
  head: Array<{ webhook_id: string; next_attempt_at: number }>;
}

async function laneHead(
  db: Kysely<Database>,
  lane: RawBuilder<unknown>,
  now: number,
  limit: number,
): Promise<LaneHead> {
  const [counted, head] = await Promise.all([
    sql<{ n: number | string }>`
      select count(*) as n from (
        select 1 from deliveries
        where status = 'pending' and ${lane} and next_attempt_at <= ${now}
        limit ${limit}
      ) capped`.execute(db),
    sql<{ webhook_id: string; next_attempt_at: number | string }>`
      select webhook_id, next_attempt_at from deliveries
      where status = 'pending' and ${lane} and next_attempt_at <= ${now}
      order by next_attempt_at limit ${HEAD_ROWS}`.execute(db),
  ]);
  return {
    count: Number(counted.rows[0]?.n ?? 0),
    head: head.rows.map((row) => ({
      webhook_id: row.webhook_id,
      next_attempt_at: Number(row.next_attempt_at),
    })),
  };
}

async function countHeld(
  db: Kysely<Database>,
  webhookIds: string[],
  now: number,
  cap: number,
): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from (
      select 1 from deliveries
      where webhook_id in (${sql.join(webhookIds)}) and status = 'pending' and next_attempt_at <= ${now}
      limit ${cap}
    ) capped`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

/**
 * The oldest due delivery of a webhook whose circuit is not open. Usually the head of a lane
 * answers; only when a lane's first rows all belong to open circuits (a dead endpoint's backlog
 * at the head) does it ask each webhook with pending deliveries for its oldest — one index seek
 * per webhook, never a read per held delivery.
 */
async function oldestNotHeld(
  db: Kysely<Database>,
  lanes: LaneHead[],
  heldIds: Set<string>,
  now: number,
): Promise<number | null> {
  let oldest: number | null = null;
  let undecided = false;
  for (const { head } of lanes) {
    const first = head.find((row) => !heldIds.has(row.webhook_id));
    if (first) oldest = Math.min(oldest ?? Number.POSITIVE_INFINITY, first.next_attempt_at);
    // A full head of held rows: this lane's oldest not held is further down.
    else if (head.length === HEAD_ROWS) undecided = true;
  }
  if (!undecided) return oldest;
  const perWebhook = await oldestPerWebhook(db, [...heldIds], now);
  if (perWebhook === null) return oldest;
  return Math.min(oldest ?? Number.POSITIVE_INFINITY, perWebhook);
}

/** Loose index scan of `deliveries_due_webhook` (as list-due-targets.ts), skipping `excluded`. */
async function oldestPerWebhook(
  db: Kysely<Database>,
  excluded: string[],
  now: number,
): Promise<number | null> {
  const { rows } = await sql<{ oldest: number | string | null }>`
    with recursive pending_webhook(id) as (
      select (
        select webhook_id from deliveries where status = 'pending'
        order by webhook_id limit 1
      )
      union all
      select (
        select webhook_id from deliveries
        where status = 'pending' and webhook_id > p.id
        order by webhook_id limit 1
      )
      from pending_webhook p
      where p.id is not null
    )
    select min((
      select d.next_attempt_at from deliveries d
      where d.webhook_id = p.id and d.status = 'pending'
      order by d.next_attempt_at limit 1
    )) as oldest
    from pending_webhook p
    where p.id is not null and p.id not in (${sql.join(excluded)})`.execute(db);
  const oldest = rows[0]?.oldest;
  return oldest == null || Number(oldest) > now ? null : Number(oldest);
}
