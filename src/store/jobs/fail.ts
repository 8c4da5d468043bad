import type { Kysely } from "kysely";
import { afterFailure, DEFAULT_JOB_BACKOFF } from "../../domain/jobs.js";
import type { Database } from "../schema.js";
import { heldJob } from "./held.js";
import type { JobFailureReport } from "./repository.js";

/** Longest error text kept on the job. */
const MAX_ERROR_LENGTH = 2_000;

/**
 * Records a failed attempt: queued again after an exponential backoff while attempts remain,
 * otherwise `failed` — except a recurring job, which gives up this occurrence and waits for the
 * next one (its checkpoint kept). The checkpoint stays either way: a retry resumes from it.
 */
export function failJob(
  db: Kysely<Database>,
  dialect: "sqlite" | "postgres",
  id: string,
  owner: string,
  failure: JobFailureReport,
  now: number,
  random: () => number = Math.random,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const job = await heldJob(tx, dialect, id, owner);
    if (!job) return false;
    const next = afterFailure(job, now, {
      permanent: failure.permanent,
      backoff: DEFAULT_JOB_BACKOFF,
      random,
    });
    const released = {
      lease_owner: null,
      lease_until: null,
      last_error: failure.error.slice(0, MAX_ERROR_LENGTH),
      updated_at: now,
    };
    await tx
      .updateTable("jobs")
      .set(
        next.state === "failed"
          ? { ...released, state: "failed", finished_at: now }
          : next.retry
            ? { ...released, state: "queued", run_at: next.run_at }
            : {
                ...released,
                state: "queued",
                run_at: next.run_at,
                attempts: 0,
                started_at: null,
                finished_at: now,
              },
      )
      .where("id", "=", id)
      .execute();
    return true;
  });
}
