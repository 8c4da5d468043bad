import type { Selectable } from "kysely";
import type { JobSchedule } from "../../domain/jobs.js";
import type { JobTable } from "../schema.js";
import type { JobRecord, NewJob } from "./repository.js";

export function jobFromRow(row: Selectable<JobTable>): JobRecord {
  return {
    ...row,
    payload: JSON.parse(row.payload) as Record<string, unknown>,
    checkpoint: row.checkpoint === null ? null : (JSON.parse(row.checkpoint) as unknown),
    schedule: row.schedule === null ? null : (JSON.parse(row.schedule) as JobSchedule),
  };
}

export function newJobRow(id: string, job: NewJob, now: number): JobTable {
  return {
    id,
    tenant_id: job.tenant_id,
    kind: job.kind,
    payload: JSON.stringify(job.payload),
    state: "queued",
    run_at: job.run_at,
    lease_owner: null,
    lease_until: null,
    attempts: 0,
    max_attempts: job.max_attempts,
    last_error: null,
    progress_done: 0,
    progress_total: null,
    checkpoint: null,
    unique_key: job.unique_key,
    schedule: job.schedule === null ? null : JSON.stringify(job.schedule),
    created_at: now,
    updated_at: now,
    started_at: null,
    finished_at: null,
  };
}

/** A checkpoint as stored: JSON text, or null for none. */
export function checkpointJson(checkpoint: unknown): string | null {
  return checkpoint === undefined || checkpoint === null ? null : JSON.stringify(checkpoint);
}
