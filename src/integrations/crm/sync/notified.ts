import { readsFromCrm } from "../../../domain/crm/settings.js";
import type { JobKind } from "../../../jobs/kinds.js";
import { PermanentJobError } from "../../../jobs/kinds.js";
import type { JobRepository } from "../../../store/index.js";
import type { CrmNotified } from "../connector.js";
import { type CrmSync, newRun } from "./index.js";
import { runPull } from "./runs.js";

/**
 * A CRM's change notification, acted on: the one record it names is read (`get` by id) and applied
 * as a pull applies it — id + hash dedupe, so a notification about our own write, or a repeated
 * one, changes nothing. The connection's checkpoint and poll schedule stay as they are: polling
 * still covers a notification that never came.
 */
export const CRM_RECORD_PULL_KIND = "crm_record_pull";

export async function enqueueRecordPull(
  jobs: JobRepository,
  tenantId: string,
  connectionId: string,
  notified: CrmNotified,
  now: number,
): Promise<void> {
  await jobs.enqueue(
    {
      tenant_id: tenantId,
      kind: CRM_RECORD_PULL_KIND,
      payload: { connection_id: connectionId, object: notified.object, crm_id: notified.id },
      run_at: now,
      max_attempts: 3,
      // No unique key: one held by a running job would swallow a notification of a later change.
      // A repeated read costs one GET and one hash comparison.
      unique_key: null,
      schedule: null,
    },
    now,
  );
}

/** `crm_record_pull`: reads one notified record and applies it (a run is kept when it did something). */
export function crmRecordPullKind(sync: CrmSync): JobKind {
  return {
    async run({ job, signal }) {
      const { connection_id: id, object, crm_id: crmId } = job.payload;
      if (typeof id !== "string" || (object !== "case" && object !== "client") || typeof crmId !== "string")
        throw new PermanentJobError("the job names no CRM record");
      const loaded = await sync.connectors.loadById(id);
      if (!loaded) throw new PermanentJobError(`CRM connection ${id} is gone`);
      if (!readsFromCrm(loaded.connection.settings)) return undefined;
      await runPull(sync, loaded, newRun(loaded.connection, "incremental", Date.now()), {
        mode: "incremental",
        record: false,
        only: { object, id: crmId },
        signal,
      });
      return undefined;
    },
  };
}
