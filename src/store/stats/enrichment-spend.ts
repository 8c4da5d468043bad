import { type Kysely, sql } from "kysely";
import { monthsOf, type SpendDay } from "../../domain/enrichment/spend-days.js";
import type { Database } from "../schema.js";
import type { SpendCell } from "./repository.js";

/**
 * The lookups (the spend ledger) of the days' budget months through the (tenant, month, provider)
 * index, each placed in its day by a join on a VALUES list of the days' bounds: the firm's days
 * are not UTC days, so the grouping cannot be arithmetic on the timestamp.
 */
export async function enrichmentSpend(
  db: Kysely<Database>,
  tenantId: string,
  days: readonly SpendDay[],
): Promise<SpendCell[]> {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return [];
  // Casts: PostgreSQL types untyped VALUES parameters as text.
  const values = sql.join(
    days.map((d) => sql`(${d.date}, cast(${d.start} as bigint), cast(${d.end} as bigint))`),
  );
  const { rows } = await sql<{ day: string; provider: string; total: number | string }>`
    with days(day, starts, ends) as (values ${values})
    select days.day, l.provider, sum(l.cost_micros) as total
    from enrichment_lookups l
    join days on l.created_at >= days.starts and l.created_at < days.ends
    where l.tenant_id = ${tenantId} and l.month in (${sql.join(monthsOf(days))})
      and l.created_at >= ${first.start} and l.created_at < ${last.end}
    group by days.day, l.provider`.execute(db);
  return rows.map((r) => ({ date: r.day, provider: r.provider, costMicros: Number(r.total) }));
}
