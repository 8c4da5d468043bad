/**
 * The store's side of per-key ordered delivery (src/domain/ordering.ts): lining new deliveries up
 * behind their key's pending ones, and letting the next in line go when the first leaves.
 *
 * Both run inside the caller's transaction. On PostgreSQL, deciding "this key has a delivery
 * pending" (ingest) and "this key has nothing left ahead" (an outcome, a cancel, a retry) race
 * across nodes: an ingest could store a delivery waiting behind one whose outcome commits at the
 * same moment and whose promotion did not yet see it — a key stuck forever. So both take a
 * transaction-scoped advisory lock per key (sorted, so two transactions never wait on each other
 * in a cycle) before they read. SQLite runs one write transaction at a time and needs none.
 */
import { type Kysely, PostgresAdapter, sql } from "kysely";
import { AWAITING_TURN } from "../domain/ordering.js";
import { chunks } from "./chunks.js";
import type { Database, DeliveryTable } from "./schema.js";

type Db = Kysely<Database>;

/** A key's line: one webhook's pending deliveries carrying `key`. */
export interface OrderLine {
  webhookId: string;
  key: string;
}

/** The advisory-lock class of key locks (the two-int lock space, apart from claims' bigint lock). */
const ORDER_LOCK_CLASS = 7_543_022;

/** FNV-1a of the line, as a signed 32-bit int: the lock's second key (collisions only serialise). */
function lineHash(line: OrderLine): number {
  let hash = 0x811c9dc5;
  const text = `${line.webhookId}\u0000${line.key}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Takes the lines' locks until the transaction ends (PostgreSQL; one statement, sorted). */
export async function lockLines(tx: Db, lines: OrderLine[]): Promise<void> {
  if (lines.length === 0 || !isPostgres(tx)) return;
  const hashes = [...new Set(lines.map(lineHash))].sort((a, b) => a - b);
  // unnest yields the array's order, so the locks are taken in ascending order.
  await sql`select pg_advisory_xact_lock(${ORDER_LOCK_CLASS}, h) from unnest(cast(${hashes} as int[])) as t(h)`.execute(
    tx,
  );
}

/** The distinct lines of these deliveries. */
export function linesOf(rows: Array<{ webhook_id: string; order_key: string | null }>): OrderLine[] {
  const seen = new Map<string, OrderLine>();
  for (const row of rows) {
    if (row.order_key === null) continue;
    seen.set(`${row.webhook_id}\u0000${row.order_key}`, { webhookId: row.webhook_id, key: row.order_key });
  }
  return [...seen.values()];
}

/**
 * New ordered deliveries (in acceptance order) about to be stored: each one whose key already
 * has a delivery pending — stored before, or earlier in this batch — waits for its turn instead
 * of being due (and is not pre-claimed). Takes the lines' locks. Changes `rows` in place and
 * returns the ids now waiting.
 */
export async function lineUp(tx: Db, rows: DeliveryTable[]): Promise<Set<string>> {
  const waiting = new Set<string>();
  const ordered = rows.filter((row) => row.order_key !== null);
  if (ordered.length === 0) return waiting;
  const lines = linesOf(ordered);
  await lockLines(tx, lines);
  const busy = new Set<string>();
  const byWebhook = new Map<string, string[]>();
  for (const line of lines)
    byWebhook.set(line.webhookId, [...(byWebhook.get(line.webhookId) ?? []), line.key]);
  for (const [webhookId, keys] of byWebhook) {
    for (const chunk of chunks(keys)) {
      const found = await tx
        .selectFrom("deliveries")
        .select("order_key")
        .distinct()
        .where("webhook_id", "=", webhookId)
        .where("order_key", "in", chunk)
        .where("status", "=", "pending")
        .execute();
      for (const row of found) busy.add(`${webhookId}\u0000${row.order_key}`);
    }
  }
  for (const row of ordered) {
    const line = `${row.webhook_id}\u0000${row.order_key}`;
    if (!busy.has(line)) {
      busy.add(line);
      continue;
    }
    row.next_attempt_at = AWAITING_TURN;
    row.lease_owner = null;
    waiting.add(row.id);
  }
  return waiting;
}

/**
 * Lets the next delivery of each line go when nothing of the line is due, claimed, retrying or
 * held any more: its first pending delivery in line order becomes due now (or, when it waits for a
 * follow-up event, at its hold's deadline). A no-op for a line whose first is already on its way,
 * so it is safe after any change. The caller has taken the lines' locks (PostgreSQL). Returns how
 * many deliveries became due.
 */
export async function promoteNextInLine(tx: Db, lines: OrderLine[], now: number): Promise<number> {
  let promoted = 0;
  for (const line of lines) {
    const result = await sql`
      update deliveries set
        next_attempt_at = case when hold_key is not null and hold_until > ${now} then hold_until else ${now} end,
        updated_at = ${now}
      where id = (
        select id from deliveries
        where webhook_id = ${line.webhookId} and order_key = ${line.key} and status = 'pending'
        order by id limit 1
      )
      and next_attempt_at = ${AWAITING_TURN}
      and not exists (
        select 1 from deliveries
        where webhook_id = ${line.webhookId} and order_key = ${line.key} and status = 'pending'
          and next_attempt_at <> ${AWAITING_TURN}
      )`.execute(tx);
    promoted += Number(result.numAffectedRows ?? 0n);
  }
  return promoted;
}

/**
 * Puts deliveries made pending again (a retry, a replay) back in their key's line at their own
 * place: each waits for its turn, and then each line's first goes if its line has nothing on its
 * way. Takes the lines' locks. Unordered deliveries are left as they are.
 */
export async function requeueInLine(
  tx: Db,
  rows: Array<{ id: string; webhook_id: string; order_key: string | null }>,
  now: number,
): Promise<void> {
  const ordered = rows.filter((row) => row.order_key !== null);
  if (ordered.length === 0) return;
  const lines = linesOf(ordered);
  await lockLines(tx, lines);
  for (const chunk of chunks(ordered.map((row) => row.id))) {
    await tx
      .updateTable("deliveries")
      .set({ next_attempt_at: AWAITING_TURN, updated_at: now })
      .where("id", "in", chunk)
      .where("status", "=", "pending")
      .where("lease_owner", "is", null)
      .execute();
  }
  await promoteNextInLine(tx, lines, now);
}
