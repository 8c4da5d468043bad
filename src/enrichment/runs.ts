import type { Trigger } from "../domain/enrichment/settings.js";
import { DEFAULT_ENRICHMENT_SETTINGS } from "../domain/enrichment/settings.js";
import type { DataKind } from "../domain/enrichment/types.js";
import { generateId } from "../domain/ids.js";
import { DEFAULT_MAX_ATTEMPTS } from "../domain/jobs.js";
import type { NewJob, RunRecord, Store } from "../store/index.js";

/** The job kind that performs enrichment runs. */
export const ENRICHMENT_KIND = "enrichment";

export function newRun(
  tenantId: string,
  clientId: string,
  trigger: Trigger,
  triggerKey: string,
  wanted: DataKind[],
  now: number,
): RunRecord {
  return {
    id: generateId("enr_"),
    tenant_id: tenantId,
    client_id: clientId,
    trigger,
    trigger_key: triggerKey,
    status: "queued",
    wanted,
    provider: null,
    fields_found: [],
    fields_written: [],
    data: null,
    cost_micros: 0,
    error: null,
    created_at: now,
    finished_at: null,
  };
}

/**
 * The jobs enriching the clients an import chunk creates, stored in the chunk's transaction (none
 * while the import trigger is off). Each job makes its run when it runs, keyed by the import, so
 * a client is enriched once per import whatever retries happen.
 */
export async function importJobs(
  store: Store,
  tenantId: string,
  importId: string,
  clientIds: string[],
): Promise<NewJob[]> {
  const settings = (await store.enrichment.settings(tenantId)) ?? DEFAULT_ENRICHMENT_SETTINGS;
  if (!settings.triggers.import) return [];
  const now = Date.now();
  return clientIds.map((clientId) => ({
    tenant_id: tenantId,
    kind: ENRICHMENT_KIND,
    payload: { trigger: "import", trigger_key: `import:${importId}`, client_id: clientId },
    run_at: now,
    max_attempts: DEFAULT_MAX_ATTEMPTS,
    unique_key: `${ENRICHMENT_KIND}:${tenantId}:import:${importId}:${clientId}`,
    schedule: null,
  }));
}

/** The job of a stored run. */
export function runJob(run: RunRecord): NewJob {
  return {
    tenant_id: run.tenant_id,
    kind: ENRICHMENT_KIND,
    payload: { run_id: run.id },
    run_at: run.created_at,
    max_attempts: DEFAULT_MAX_ATTEMPTS,
    unique_key: `${ENRICHMENT_KIND}:${run.id}`,
    schedule: null,
  };
}

/**
 * The job of an event trigger (an inbound call or SMS): the client is found by phone when the job
 * runs, since intake may still be creating it. One job per event (its unique key), and the run it
 * makes is unique per client and event, so a redelivered event never enriches twice.
 */
export function eventJob(
  tenantId: string,
  trigger: "call" | "sms",
  eventId: string,
  phone: string,
  now: number,
): NewJob {
  return {
    tenant_id: tenantId,
    kind: ENRICHMENT_KIND,
    payload: { trigger, trigger_key: eventId, phone },
    run_at: now,
    max_attempts: DEFAULT_MAX_ATTEMPTS,
    unique_key: `${ENRICHMENT_KIND}:${tenantId}:${eventId}`,
    schedule: null,
  };
}
