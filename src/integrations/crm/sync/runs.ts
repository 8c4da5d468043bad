import { FAILING_AFTER } from "../../../domain/crm/decide.js";
import { pullIntervalMs, readsFromCrm } from "../../../domain/crm/settings.js";
import type { JobKind } from "../../../jobs/kinds.js";
import { PermanentJobError } from "../../../jobs/kinds.js";
import type { CrmRun } from "../../../store/index.js";
import { CrmError, type CrmNotified } from "../connector.js";
import type { LoadedConnection } from "./connections.js";
import { type CrmSync, newRun, runError } from "./index.js";
import { pullConnection } from "./pull.js";
import { describeCrmError, schemaOf } from "./schema.js";
import { markRefused } from "./tokens.js";

export interface PullRunOptions {
  mode: "incremental" | "full";
  record: boolean;
  /** Read just this record (a change notification named it) instead of the CRM's changes. */
  only?: CrmNotified;
  signal?: AbortSignal;
}

/**
 * Runs a pull as a sync run: counts and errors recorded, `last_sync_at` and the failure streak
 * kept on the connection, crm.sync_completed after a run that did something, crm.sync_failed
 * when the streak reaches FAILING_AFTER. `record` false (scheduled ticks) stores the run only
 * when it read, wrote or failed something, so a quiet connection does not fill its history.
 */
export async function runPull(
  sync: CrmSync,
  loaded: LoadedConnection,
  run: CrmRun,
  options: PullRunOptions,
): Promise<CrmRun> {
  return sync.exclusive(loaded.connection.id, () => pullRun(sync, loaded, run, options));
}

async function pullRun(
  sync: CrmSync,
  loaded: LoadedConnection,
  run: CrmRun,
  options: PullRunOptions,
): Promise<CrmRun> {
  const { store } = sync;
  const { connection } = loaded;
  const connector = sync.connectors.connect(loaded);
  let failure: unknown = null;
  try {
    const schema = await schemaOf(store, loaded, connector);
    await pullConnection(sync, loaded, connector, schema, run, options);
  } catch (error) {
    failure = error;
    runError(run, {
      object: null,
      platform_id: null,
      crm_id: null,
      message: describeCrmError(error),
      vendor_message: error instanceof CrmError ? error.vendorMessage : null,
      at: Date.now(),
    });
  } finally {
    await connector.close?.();
  }
  const now = Date.now();
  run.finished_at = now;
  run.status = failure === null ? "succeeded" : "failed";
  const eventful = run.pulled + run.pushed + run.conflicts + run.errors.length > 0;
  if (options.record || eventful) {
    if (options.record) await store.crm.saveRun(run);
    else await store.crm.createRun(run);
  }
  const failures = failure === null ? 0 : connection.consecutive_failures + 1;
  // One notified record is not a pull: the next poll stays due when it was (last_sync_at kept).
  await store.crm.update(
    connection.id,
    { consecutive_failures: failures, ...(failure === null && !options.only ? { last_sync_at: now } : {}) },
    now,
  );
  sync.connectors.metrics?.synced(connection);
  const summary = {
    connection_id: connection.id,
    provider: connection.provider,
    run_id: run.id,
    mode: run.mode,
    started_at: new Date(run.started_at).toISOString(),
    finished_at: new Date(now).toISOString(),
    pulled: run.pulled,
    pushed: run.pushed,
    conflicts: run.conflicts,
    errors: run.errors.length,
  };
  if (failure === null && (options.record || eventful)) {
    await sync.emit(connection.tenant_id, "crm.sync_completed", summary);
  }
  if (failure instanceof CrmError && failure.tokenRefused) {
    // A refused token fails every pull alike: failing now, in the CRM's words (crm.sync_failed once).
    if (loaded.config.oauth?.status !== "refused") await markRefused(sync, loaded, failure);
    return run;
  }
  if (failure !== null && failures === FAILING_AFTER) {
    await sync.emit(connection.tenant_id, "crm.sync_failed", {
      ...summary,
      consecutive_failures: failures,
      error: describeCrmError(failure),
    });
  }
  return run;
}

async function loadFor(sync: CrmSync, payload: Record<string, unknown>): Promise<LoadedConnection> {
  const id = payload.connection_id;
  if (typeof id !== "string") throw new PermanentJobError("the job names no CRM connection");
  const loaded = await sync.connectors.loadById(id);
  if (!loaded) throw new PermanentJobError(`CRM connection ${id} is gone`);
  return loaded;
}

/**
 * `crm_pull`: every 30 s per connection, reading the CRM when its frequency says a pull is due.
 * A failed pull is recorded, not thrown: the next tick is the retry.
 */
export function crmPullKind(sync: CrmSync): JobKind {
  return {
    async run({ job, signal }) {
      const loaded = await loadFor(sync, job.payload);
      const { connection } = loaded;
      if (!readsFromCrm(connection.settings)) return undefined;
      const due = (connection.last_sync_at ?? 0) + pullIntervalMs(connection.settings.frequency) - 1_000;
      if (Date.now() < due) return undefined;
      await runPull(sync, loaded, newRun(connection, "incremental", Date.now()), {
        mode: "incremental",
        record: false,
        signal,
      });
      return undefined;
    },
  };
}

/** `crm_sync`: a sync asked for by hand (`POST …/sync`), into the run the route created. */
export function crmSyncKind(sync: CrmSync): JobKind {
  return {
    async run({ job, signal }) {
      const loaded = await loadFor(sync, job.payload);
      const runId = job.payload.run_id;
      const run = typeof runId === "string" ? await sync.store.crm.getRun(loaded.connection.id, runId) : null;
      if (!run) throw new PermanentJobError("the job names no run");
      const mode = job.payload.mode === "full" ? "full" : "incremental";
      await runPull(sync, loaded, run, { mode, record: true, signal });
      return undefined;
    },
  };
}
