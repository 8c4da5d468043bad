import { type Kysely, sql } from "kysely";
import { generateId } from "../../domain/ids.js";
import type { Database } from "../schema.js";
import type { JobRecord, NewJob } from "./repository.js";
import { jobFromRow, newJobRow } from "./rows.js";

/** Enqueue tries this many times when the job holding the key finishes between insert and read. */
const RACE_RETRIES = 5;

/**
 * Inserts the job unless an unfinished job holds its unique key. The partial unique index decides
 * (`on conflict … do nothing`), so concurrent enqueues of one key store one job on both databases
 * without a lock; the loser reads the winner's row.
 */
export async function enqueueJob(
  db: Kysely<Database>,
  job: NewJob,
  now: number,
): Promise<{ job: JobRecord; created: boolean }> {
  for (let attempt = 0; attempt < RACE_RETRIES; attempt++) {
    const inserted = await db
      .insertInto("jobs")
      .values(newJobRow(generateId("job_"), job, now))
      .onConflict((oc) =>
        oc
          .column("unique_key")
          // The arbiter is the partial index `jobs_unique_key`: its predicate, word for word.
          .where(() => sql<boolean>`unique_key is not null and state in ('queued', 'running')`)
          .doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { job: jobFromRow(inserted), created: true };
    if (job.unique_key === null) break;
    const existing = await db
      .selectFrom("jobs")
      .selectAll()
      .where("unique_key", "=", job.unique_key)
      .where("state", "in", ["queued", "running"])
      .executeTakeFirst();
    if (existing) return { job: jobFromRow(existing), created: false };
  }
  throw new Error(`could not enqueue job "${job.kind}" (unique key ${job.unique_key ?? "none"})`);
}
