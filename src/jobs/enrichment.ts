import { DEFAULT_ENRICHMENT_SETTINGS, wantedKinds } from "../domain/enrichment/settings.js";
import type { EnrichmentEngine } from "../enrichment/engine.js";
import { newRun } from "../enrichment/runs.js";
import type { RunRecord, Store } from "../store/index.js";
import { type JobKind, PermanentJobError } from "./kinds.js";

/**
 * Runs enrichment (job kind `enrichment`): leases, retries with backoff and restarts come from the
 * job runner. A job names a stored run (manual), a client an import created, or an event trigger
 * whose client is found by phone when it runs. When the last attempt fails the run says so instead of staying running.
 */
export function enrichmentKind(store: Store, engine: EnrichmentEngine): JobKind {
  return {
    async run({ job, signal }) {
      const tenantId = job.tenant_id;
      if (tenantId === null) throw new PermanentJobError("an enrichment job without a tenant");
      let run: RunRecord | null = null;
      try {
        run = await runOf(store, tenantId, job.payload, job.attempts >= job.max_attempts);
        if (run) await engine.perform(run, signal);
      } catch (error) {
        if (run && job.attempts >= job.max_attempts && !signal.aborted) {
          const message = error instanceof Error ? error.message : String(error);
          await store.enrichment.updateRun(run.id, {
            status: "failed",
            error: message,
            finished_at: Date.now(),
          });
        }
        throw error;
      }
      return undefined;
    },
  };
}

async function runOf(
  store: Store,
  tenantId: string,
  payload: Record<string, unknown>,
  lastAttempt: boolean,
): Promise<RunRecord | null> {
  if (typeof payload.run_id === "string") {
    const run = await store.enrichment.getRun(tenantId, payload.run_id);
    if (!run) throw new PermanentJobError(`enrichment run ${payload.run_id} not found`);
    return run;
  }
  const { trigger, trigger_key: key } = payload;
  if (typeof key !== "string") throw new PermanentJobError("not an enrichment job");
  let clientId: string;
  if (trigger === "import" && typeof payload.client_id === "string") {
    // A client the import created (the job was stored with it).
    clientId = payload.client_id;
  } else if ((trigger === "call" || trigger === "sms") && typeof payload.phone === "string") {
    const found = await store.clients.list(tenantId, { phone: payload.phone, limit: 1 });
    const client = found.data[0];
    if (!client) {
      // Intake may be making this caller's client right now: look again later, then give up quietly.
      if (lastAttempt) return null;
      throw new Error(`no client with the number of event ${key} yet`);
    }
    clientId = client.id;
  } else {
    throw new PermanentJobError("not an enrichment job");
  }
  const settings = (await store.enrichment.settings(tenantId)) ?? DEFAULT_ENRICHMENT_SETTINGS;
  const { run } = await store.enrichment.createRun(
    newRun(tenantId, clientId, trigger, key, wantedKinds(settings.data), Date.now()),
    null,
  );
  return run;
}
