import type { InitialSync } from "../../../domain/crm/settings.js";
import type { JobRepository } from "../../../store/index.js";

/** Job kinds of CRM sync (registered in src/server.ts beside imports and retention). */
export const CRM_PULL_KIND = "crm_pull";
export const CRM_INITIAL_SYNC_KIND = "crm_initial_sync";
export const CRM_SYNC_KIND = "crm_sync";

/**
 * The pull job wakes every 30 s (the realtime interval) and reads the CRM when the connection's
 * frequency says it is due, so changing the frequency needs no rescheduling.
 */
export const PULL_TICK_MS = 30_000;

export async function schedulePull(
  jobs: JobRepository,
  tenantId: string,
  connectionId: string,
  now: number,
): Promise<void> {
  await jobs.enqueue(
    {
      tenant_id: tenantId,
      kind: CRM_PULL_KIND,
      payload: { connection_id: connectionId },
      run_at: now,
      max_attempts: 3,
      unique_key: `${CRM_PULL_KIND}:${connectionId}`,
      schedule: { every_ms: PULL_TICK_MS },
    },
    now,
  );
}

/** An initial sync (resumable: its checkpoint says where it got to); one at a time per connection. */
export async function enqueueInitialSync(
  jobs: JobRepository,
  tenantId: string,
  connectionId: string,
  mode: Exclude<InitialSync, "none">,
  runId: string,
  now: number,
): Promise<string> {
  const { job } = await jobs.enqueue(
    {
      tenant_id: tenantId,
      kind: CRM_INITIAL_SYNC_KIND,
      payload: { connection_id: connectionId, mode, run_id: runId },
      run_at: now,
      max_attempts: 10,
      unique_key: `${CRM_INITIAL_SYNC_KIND}:${connectionId}`,
      schedule: null,
    },
    now,
  );
  return job.id;
}

/** A sync asked for by hand (`POST …/sync`): a pull now, whatever the frequency. */
export async function enqueueSync(
  jobs: JobRepository,
  tenantId: string,
  connectionId: string,
  mode: "incremental" | "full",
  runId: string,
  now: number,
): Promise<void> {
  await jobs.enqueue(
    {
      tenant_id: tenantId,
      kind: CRM_SYNC_KIND,
      payload: { connection_id: connectionId, mode, run_id: runId },
      run_at: now,
      max_attempts: 3,
      unique_key: `${CRM_SYNC_KIND}:${connectionId}`,
      schedule: null,
    },
    now,
  );
}
