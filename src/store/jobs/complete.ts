import type { Kysely } from "kysely";
import { afterSuccess } from "../../domain/jobs.js";
import type { Database } from "../schema.js";
import { heldJob } from "./held.js";
import { checkpointJson } from "./rows.js";

/**
 * Records a successful attempt. A recurring job goes back to the queue for its next occurrence
 * with attempts counted afresh, keeping its unique key and the last run's progress (shown until
 * the next run reports its own); `nextCheckpoint` is where that occurrence starts.
 */
export function completeJob(
  db: Kysely<Database>,
  dialect: "sqlite" | "postgres",
  id: string,
  owner: string,
  now: number,
  nextCheckpoint: unknown,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const job = await heldJob(tx, dialect, id, owner);
    if (!job) return false;
    const next = afterSuccess(job, now);
    const finished = {
      lease_owner: null,
      lease_until: null,
      last_error: null,
      finished_at: now,
      updated_at: now,
    };
    await tx
      .updateTable("jobs")
      .set(
        next.state === "succeeded"
          ? { ...finished, state: "succeeded" }
          : {
              ...finished,
              state: "queued",
              run_at: next.run_at,
              attempts: 0,
              started_at: null,
              checkpoint: checkpointJson(nextCheckpoint),
            },
      )
      .where("id", "=", id)
      .execute();
    return true;
  });
}
