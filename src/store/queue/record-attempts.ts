import { type Kysely, sql } from "kysely";
import { chunks } from "../chunks.js";
import type { AttemptOutcome } from "../index.js";
import { linesOf, lockLines, promoteNextInLine } from "../ordering.js";
import { attemptToRow } from "../rows.js";
import type { Database } from "../schema.js";

/**
 * Records finished attempts and their deliveries' new states in one transaction, one UPDATE per
 * chunk of outcomes (a VALUES list joined to the table) instead of one per outcome: per-row statements
 * were the largest share of the dispatcher's CPU in the throughput benchmark. A delivery is
 * updated, and its attempt kept, only while `owner` still holds its claim.
 */
export function recordAttempts(
  db: Kysely<Database>,
  owner: string,
  outcomes: AttemptOutcome[],
  now: number,
): Promise<Set<string>> {
  return db.transaction().execute(async (tx) => {
    // Lines whose first delivery leaves `pending` now: their locks come first (as at ingest), the
    // next in line goes once the outcomes are written.
    const passing = linesOf(
      outcomes.flatMap(({ delivery }) =>
        delivery.order_key && delivery.webhook_id && delivery.status !== "pending"
          ? [{ webhook_id: delivery.webhook_id, order_key: delivery.order_key }]
          : [],
      ),
    );
    await lockLines(tx, passing);
    const recorded = new Set<string>();
    for (const chunk of chunks(outcomes)) {
      const rows = chunk.map(({ attempt, delivery }) => {
        const setAppended = delivery.appended !== undefined;
        return sql`(${delivery.id}, ${delivery.status}, ${delivery.next_attempt_at}, ${attempt.created_at}, ${delivery.last_status_code}, ${delivery.last_error}, ${setAppended ? 1 : 0}, ${setAppended ? delivery.appended : null})`;
      });
      // Casts: PostgreSQL types untyped VALUES parameters as text.
      const result = await sql<{ id: string }>`
        with outcome(id, status, next_attempt_at, started_at, last_status_code, last_error, set_appended, appended) as (
          values ${sql.join(rows)}
        )
        update deliveries set
          status = outcome.status,
          attempts = deliveries.attempts + 1,
          next_attempt_at = cast(outcome.next_attempt_at as bigint),
          lease_owner = null,
          first_attempt_at = coalesce(deliveries.first_attempt_at, cast(outcome.started_at as bigint)),
          last_attempt_at = cast(outcome.started_at as bigint),
          last_status_code = cast(outcome.last_status_code as integer),
          last_error = outcome.last_error,
          appended = case when cast(outcome.set_appended as integer) = 1 then outcome.appended else deliveries.appended end,
          updated_at = ${now}
        from outcome
        where deliveries.id = outcome.id and deliveries.lease_owner = ${owner}
        returning deliveries.id`.execute(tx);
      for (const row of result.rows) recorded.add(row.id);
    }
    const attempts = outcomes.filter((o) => recorded.has(o.delivery.id)).map((o) => attemptToRow(o.attempt));
    for (const chunk of chunks(attempts)) await tx.insertInto("attempts").values(chunk).execute();
    await promoteNextInLine(tx, passing, now);
    return recorded;
  });
}
