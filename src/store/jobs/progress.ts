import type { Kysely } from "kysely";
import type { Database } from "../schema.js";
import type { JobProgress } from "./repository.js";
import { checkpointJson } from "./rows.js";

/**
 * Saves a running job's progress and checkpoint, only while `owner` holds its lease: a worker
 * that lost the job (lease expired and taken over, or cancelled) must not move the new owner's
 * checkpoint.
 */
export async function saveJobProgress(
  db: Kysely<Database>,
  id: string,
  owner: string,
  progress: JobProgress,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable("jobs")
    .set({
      progress_done: progress.done,
      progress_total: progress.total,
      ...(progress.checkpoint === undefined ? {} : { checkpoint: checkpointJson(progress.checkpoint) }),
      updated_at: now,
    })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .where("state", "=", "running")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
