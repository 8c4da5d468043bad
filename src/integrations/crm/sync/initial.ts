import type { JobContext, JobKind } from "../../../jobs/kinds.js";
import { JobLostError, PermanentJobError } from "../../../jobs/kinds.js";
import type { CrmRun } from "../../../store/index.js";
import { type Connector, CrmError, type CrmObject, type CrmSchema } from "../connector.js";
import type { LoadedConnection } from "./connections.js";
import { type CrmSync, runError } from "./index.js";
import { applyRecord } from "./pull.js";
import { pushRecord } from "./push.js";
import { describeCrmError, schemaOf } from "./schema.js";

/**
 * The initial sync of a connection: `import` brings the CRM's records to the platform, `export`
 * sends the platform's records to the CRM, `both` does the import first (so the export finds its
 * records linked). Every record is matched before anything is created — by our external id, then
 * by phone or email — so a sync run twice, or resumed after a crash, links instead of duplicating.
 * Resumable: the checkpoint (phase, object, cursor) is saved with the progress after each page.
 */

interface Checkpoint {
  phase: "import" | "export";
  object: CrmObject;
  cursor: string | null;
  done: number;
}

/** Platform records read per page of an export. */
const EXPORT_PAGE = 100;

/**
 * Pushes in flight at once during an export. One at a time exported 1,000 cases to the local
 * LawRuler fake in 14.9 s (67 records/s: four requests each — two searches, the create, the read
 * back — waiting on one another); 8 at a time took 9.4 s (106 records/s, SQLite, the shared
 * 2-core machine, fake in the same process), where CPU rather than waiting is the limit. With the
 * CRM in another process (as in production and `bench --scenario crm`) each record waits on five
 * round trips, so 16 at a time; a CRM's rate limit is kept by the connection's pacer, not by this.
 */
const EXPORT_CONCURRENCY = 16;

/** Tries of one record that met a 429 before the job attempt gives up (and retries from its checkpoint). */
const RATE_LIMITED_TRIES = 5;

function isRateLimited(error: unknown): boolean {
  return error instanceof CrmError && error.stage === "rate_limited";
}

/** Runs `work` over `items`, `limit` at a time; the first failure stops taking new items and is thrown. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== null) throw failure;
}

export function crmInitialSyncKind(sync: CrmSync): JobKind {
  return {
    async run(context) {
      const { job } = context;
      const id = job.payload.connection_id;
      const runId = job.payload.run_id;
      const mode = job.payload.mode;
      if (typeof id !== "string" || typeof runId !== "string") throw new PermanentJobError("bad payload");
      const loaded = await sync.connectors.loadById(id);
      if (!loaded) throw new PermanentJobError(`CRM connection ${id} is gone`);
      const run = await sync.store.crm.getRun(id, runId);
      if (!run) throw new PermanentJobError(`run ${runId} is gone`);
      const phases: Array<"import" | "export"> =
        mode === "import" ? ["import"] : mode === "export" ? ["export"] : ["import", "export"];
      const connector = sync.connectors.connect(loaded);
      try {
        const schema = await schemaOf(sync.store, loaded, connector);
        await sync.exclusive(id, () => initialSync(sync, loaded, connector, schema, run, phases, context));
        // Stopped between pages (shutdown, or the job was taken over): not finished.
        if (context.signal.aborted) throw context.signal.reason ?? new JobLostError("initial sync stopped");
        run.status = "succeeded";
      } catch (error) {
        // Another attempt holds the job now (a lease lost in a stall, a takeover) or the worker is
        // stopping: this attempt's copy of the run is stale and must not overwrite the holder's.
        if (error instanceof JobLostError || context.signal.aborted) throw error;
        runError(run, {
          object: null,
          platform_id: null,
          crm_id: null,
          message: describeCrmError(error),
          vendor_message: error instanceof CrmError ? error.vendorMessage : null,
          at: Date.now(),
        });
        await sync.store.crm.saveRun(run);
        // Retried from its checkpoint (transient failures); the last attempt marks the run failed.
        if (job.attempts >= job.max_attempts) {
          run.status = "failed";
          run.finished_at = Date.now();
          await sync.store.crm.saveRun(run);
        }
        throw error;
      } finally {
        await connector.close?.();
      }
      run.finished_at = Date.now();
      await sync.store.crm.saveRun(run);
      await sync.store.crm.update(loaded.connection.id, { last_sync_at: run.finished_at }, run.finished_at);
      sync.connectors.metrics?.synced(loaded.connection);
      await sync.emit(loaded.connection.tenant_id, "crm.sync_completed", {
        connection_id: loaded.connection.id,
        provider: loaded.connection.provider,
        run_id: run.id,
        mode: run.mode,
        started_at: new Date(run.started_at).toISOString(),
        finished_at: new Date(run.finished_at).toISOString(),
        pulled: run.pulled,
        pushed: run.pushed,
        conflicts: run.conflicts,
        errors: run.errors.length,
      });
      return undefined;
    },
  };
}

async function initialSync(
  sync: CrmSync,
  loaded: LoadedConnection,
  connector: Connector,
  schema: CrmSchema,
  run: CrmRun,
  phases: Array<"import" | "export">,
  context: JobContext,
): Promise<void> {
  const saved = context.checkpoint as Checkpoint | null;
  const objects = loaded.provider.capabilities.objects;
  let done = saved?.done ?? 0;
  const save = async (checkpoint: Omit<Checkpoint, "done">): Promise<void> => {
    await sync.store.crm.saveRun(run);
    await context.progress(done, run.total, { ...checkpoint, done });
  };
  for (const phase of phases) {
    if (saved && phases.indexOf(phase) < phases.indexOf(saved.phase)) continue;
    for (const object of objects) {
      if (saved && saved.phase === phase && objects.indexOf(object) < objects.indexOf(saved.object)) continue;
      let cursor = saved && saved.phase === phase && saved.object === object ? saved.cursor : null;
      if (phase === "import") {
        if (!loaded.provider.capabilities.listChanges) {
          runError(run, {
            object,
            platform_id: null,
            crm_id: null,
            message: `${loaded.provider.label} cannot list its records: nothing to import (its linked records are read by every sync)`,
            vendor_message: null,
            at: Date.now(),
          });
          continue;
        }
        for (;;) {
          if (context.signal.aborted) return;
          const page = await connector.listChanged(object, null, cursor);
          for (const record of page.records) {
            await applyRecord(sync, loaded, connector, schema, run, record);
            done++;
          }
          cursor = page.nextCursor;
          await save({ phase, object, cursor });
          if (cursor === null) break;
        }
      } else {
        for (;;) {
          if (context.signal.aborted) return;
          const tenantId = loaded.connection.tenant_id;
          const options = { limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) };
          const page =
            object === "client"
              ? await sync.store.clients.list(tenantId, options)
              : await sync.store.cases.list(tenantId, options);
          const pushOne = async (record: { id: string }): Promise<void> => {
            for (let attempt = 1; ; attempt++) {
              try {
                const outcome = await pushRecord(sync.store, connector, loaded.connection, schema, {
                  object,
                  platformId: record.id,
                  matchContacts: true,
                });
                if (outcome.action !== "skipped") run.pushed++;
                sync.connectors.metrics?.pushed(loaded.connection, outcome.action);
                break;
              } catch (error) {
                // A 429 paused the connection's pacer until its Retry-After: the record goes again
                // then, instead of failing the whole page's attempt. Other retryable failures (and
                // a CRM that keeps refusing) retry the job from its checkpoint.
                sync.connectors.metrics?.pushed(
                  loaded.connection,
                  isRateLimited(error) ? "rate_limited" : "failed",
                );
                if (isRateLimited(error) && attempt < RATE_LIMITED_TRIES) continue;
                if (error instanceof CrmError && error.retryable) throw error;
                runError(run, {
                  object,
                  platform_id: record.id,
                  crm_id: null,
                  message: describeCrmError(error),
                  vendor_message: error instanceof CrmError ? error.vendorMessage : null,
                  at: Date.now(),
                });
                break;
              }
            }
            done++;
          };
          // Cases of one client go one after another (they match the same CRM contact); the
          // clients of a page go EXPORT_CONCURRENCY at a time.
          const groups = new Map<string, Array<{ id: string }>>();
          for (const record of page.data) {
            const group = "client_id" in record ? record.client_id : record.id;
            groups.set(group, [...(groups.get(group) ?? []), record]);
          }
          await inParallel([...groups.values()], EXPORT_CONCURRENCY, async (group) => {
            for (const record of group) await pushOne(record);
          });
          cursor = page.next_cursor;
          await save({ phase, object, cursor });
          if (cursor === null) break;
        }
      }
    }
  }
}
