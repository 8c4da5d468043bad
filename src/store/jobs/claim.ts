import { type Kysely, sql } from "kysely";
import type { Database, JobTable } from "../schema.js";
import type { JobKindFilter, JobRecord } from "./repository.js";
import { jobFromRow } from "./rows.js";

/**
 * One statement claims up to `limit` jobs: queued ones whose run time came and running ones whose
 * lease ran out (their worker died: takeover), in the order they became claimable. The predicate
 * and the order are those of the partial index `jobs_claimable`, so the claim reads only claimable
 * rows. On PostgreSQL concurrent claimers skip each other's locked rows instead of waiting; SQLite
 * has one writer, so the statement alone is atomic. `started_at` keeps the first claim of a run,
 * so a resumed job shows when it really began.
 */
export async function claimJobs(
  db: Kysely<Database>,
  dialect: "sqlite" | "postgres",
  owner: string,
  now: number,
  leaseUntil: number,
  limit: number,
  kinds: JobKindFilter = {},
): Promise<JobRecord[]> {
  const only = kinds.only?.length ? sql`and kind in (${sql.join(kinds.only)})` : sql``;
  const except = kinds.except?.length ? sql`and kind not in (${sql.join(kinds.except)})` : sql``;
  const lock = dialect === "postgres" ? sql`for update skip locked` : sql``;
  const result = await sql<JobTable>`
    update jobs
    set state = 'running', lease_owner = ${owner}, lease_until = ${leaseUntil},
        attempts = attempts + 1, started_at = coalesce(started_at, ${now}), updated_at = ${now}
    where id in (
      select id from jobs
      where state in ('queued', 'running') and coalesce(lease_until, run_at) <= ${now} ${only} ${except}
      order by coalesce(lease_until, run_at)
      limit ${limit}
      ${lock}
    )
    returning *`.execute(db);
  return result.rows.map(jobFromRow).sort((a, b) => a.run_at - b.run_at);
}
