import { setImmediate as yieldToOthers } from "node:timers/promises";
import type { Logger } from "pino";
import type { EventIngest } from "../../events/ingest.js";
import type { ImportProgress, ImportRecord } from "../../store/imports/repository.js";
import type { NewJob, Store } from "../../store/index.js";
import type { Records } from "../index.js";
import { eventRecord } from "../writer.js";
import { type FileRow, readRows } from "./file.js";
import { addUp, type PlanSources, planChunk } from "./plan.js";

/** Rows per chunk: one lookup query and one transaction each. */
export const IMPORT_CHUNK_ROWS = 500;
/** A chunk whose records someone else changed meanwhile is read and planned again this often. */
const STALE_RETRIES = 3;

/** The job no longer belongs to this worker: stop without writing. */
export class ImportLost extends Error {}

/**
 * Durable work for the clients an import creates (enrichment, when the import asks for it): the
 * jobs are stored in the chunk's own transaction, so a crash right after a chunk commits never
 * leaves its clients without the work.
 */
export interface ImportFollowUps {
  jobsFor(tenantId: string, importId: string, createdClientIds: string[]): Promise<NewJob[]>;
  /** Told after a chunk with such jobs committed, to wake the runner that takes them. */
  stored(): void;
}

const NO_FOLLOW_UPS: ImportFollowUps = { jobsFor: async () => [], stored: () => {} };

/**
 * Runs an import: reads the file a chunk of rows at a time, finds each row's record (id, external
 * id, phone, email), plans creates and updates through the Clients and Cases services (change
 * source `import`) and commits each chunk's records, their events and the import's progress in
 * one transaction. After a crash the import goes on after the last committed chunk, so no row is
 * written twice. A dry run — and, with `all_or_nothing`, a first pass — plans every row and
 * writes nothing.
 */
export class Importer implements PlanSources {
  constructor(
    readonly store: Store,
    readonly records: Records,
    private readonly ingest: EventIngest,
    private readonly log: Logger,
    private readonly followUps: ImportFollowUps = NO_FOLLOW_UPS,
  ) {}

  async run(importId: string, job: { id: string; owner: string }, signal: AbortSignal): Promise<void> {
    const found = await this.store.imports.getById(importId);
    if (!found || found.finished_at !== null) return;
    const text = await this.store.imports.data(importId);
    let progress: ImportProgress = { ...found, status: "running" };
    if (found.status === "queued")
      await this.store.imports.saveProgress(importId, progress, Date.now(), false);
    const { dry_run, all_or_nothing } = found.options;
    if (dry_run || (all_or_nothing && found.done === 0)) {
      const checked = await this.check(found, text, signal);
      if (dry_run || checked.failed > 0) {
        // A dry run reports what would happen; a failed all-or-nothing check writes nothing.
        const status = dry_run ? "completed" : "failed";
        await this.store.imports.saveProgress(importId, { ...checked, status }, Date.now(), true);
        return;
      }
    }
    if (progress.done > 0) this.log.info({ import_id: importId, done: progress.done }, "import resumed");
    let batch: FileRow[] = [];
    const flush = async () => {
      progress = await this.commit(found, job, batch, progress);
      batch = [];
      await yieldToOthers();
    };
    for await (const row of readRows(found.format, text, found.columns, progress.done + 1)) {
      batch.push(row);
      if (batch.length >= IMPORT_CHUNK_ROWS) {
        signal.throwIfAborted();
        await flush();
      }
    }
    if (batch.length > 0) await flush();
    await this.store.imports.saveProgress(importId, { ...progress, status: "completed" }, Date.now(), true);
  }

  /** Plans every row without writing: the dry run's report and all-or-nothing's check. */
  private async check(imp: ImportRecord, text: string, signal: AbortSignal): Promise<ImportProgress> {
    let totals: ImportProgress = {
      status: "running",
      done: 0,
      created: 0,
      updated: 0,
      skipped: 0,
      failed: 0,
      errors: [],
    };
    // Keys of records earlier chunks would create: a later row with one of them would update it.
    const planned = new Set<string>();
    let batch: FileRow[] = [];
    const plan = async () => {
      const result = await planChunk(this, imp, batch, planned);
      totals = addUp(totals, result, batch.length);
      batch = [];
      signal.throwIfAborted();
      await yieldToOthers();
    };
    for await (const row of readRows(imp.format, text, imp.columns)) {
      batch.push(row);
      if (batch.length >= IMPORT_CHUNK_ROWS) await plan();
    }
    if (batch.length > 0) await plan();
    return totals;
  }

  /** Plans and writes one chunk with the progress after it; read again when it went stale. */
  private async commit(
    imp: ImportRecord,
    job: { id: string; owner: string },
    rows: FileRow[],
    before: ImportProgress,
  ): Promise<ImportProgress> {
    for (let attempt = 0; ; attempt++) {
      const plan = await planChunk(this, imp, rows, null);
      const progress = addUp(before, plan, rows.length);
      const now = Date.now();
      const events = imp.options.emit_events ? plan.events : [];
      const routed = await this.ingest.route(
        imp.tenant_id,
        events.map((e) => eventRecord(imp.tenant_id, e, now)),
        now,
      );
      const jobs =
        imp.options.enrich && plan.clients.create.length > 0
          ? await this.followUps.jobsFor(
              imp.tenant_id,
              imp.id,
              plan.clients.create.map((c) => c.id),
            )
          : [];
      const result = await this.store.imports.writeChunk({
        importId: imp.id,
        tenantId: imp.tenant_id,
        jobId: job.id,
        owner: job.owner,
        clients: plan.clients,
        cases: plan.cases,
        outbox: { events: routed.events, claimFor: routed.claim },
        jobs,
        progress,
        now,
      });
      if (result.ok) {
        this.ingest.committed(routed, result.results);
        if (jobs.length > 0) this.followUps.stored();
        return progress;
      }
      if (result.reason === "lost") throw new ImportLost("the import's job is no longer held by this worker");
      if (attempt >= STALE_RETRIES)
        throw new Error("records of the import keep changing under it; retrying later");
    }
  }
}
