import { setImmediate as yieldToOthers } from "node:timers/promises";
import type { Logger } from "pino";
import { DomainError } from "../../domain/errors.js";
import { emptyCase } from "../../domain/records/case.js";
import { EMPTY_CLIENT } from "../../domain/records/client.js";
import { customFieldsFromText } from "../../domain/records/custom-fields.js";
import type { RecordEvent } from "../../domain/records/events.js";
import { caseIndex, clientContactKeys, clientIndex } from "../../domain/records/import-match.js";
import {
  type CaseRow,
  type ClientRow,
  casePatchFor,
  clientPatchFor,
  readCaseRow,
  readClientRow,
} from "../../domain/records/import-rows.js";
import type { EventIngest } from "../../events/ingest.js";
import {
  type ImportProgress,
  type ImportRecord,
  type ImportRowError,
  MAX_IMPORT_ERRORS,
} from "../../store/imports/repository.js";
import type { CaseRecord, ClientRecord, Store } from "../../store/index.js";
import type { Records } from "../index.js";
import { eventRecord } from "../writer.js";
import { type FileRow, readRows } from "./file.js";

/** Rows per chunk: one lookup query and one transaction each. */
export const IMPORT_CHUNK_ROWS = 500;
/** A chunk whose records someone else changed meanwhile is read and planned again this often. */
const STALE_RETRIES = 3;
const CHANGE_SOURCE = "import";

/** The job no longer belongs to this worker: stop without writing. */
export class ImportLost extends Error {}

/** What one chunk of rows comes to: the writes, and how each row counted. */
interface ChunkPlan {
  clients: { create: ClientRecord[]; update: Array<{ record: ClientRecord; expectedVersion: number }> };
  cases: { create: CaseRecord[]; update: Array<{ record: CaseRecord; expectedVersion: number }> };
  events: RecordEvent[];
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: ImportRowError[];
}

/**
 * Runs an import: reads the file a chunk of rows at a time, finds each row's record (id, external
 * id, phone, email), plans creates and updates through the Clients and Cases services (change
 * source `import`) and commits each chunk's records, their events and the import's progress in
 * one transaction. After a crash the import goes on after the last committed chunk, so no row is
 * written twice. A dry run — and, with `all_or_nothing`, a first pass — plans every row and
 * writes nothing.
 */
export class Importer {
  constructor(
    private readonly store: Store,
    private readonly records: Records,
    private readonly ingest: EventIngest,
    private readonly log: Logger,
    /** Told of the clients each committed chunk created, when the import asked to enrich them. */
    private readonly enrichCreated: (
      tenantId: string,
      importId: string,
      clientIds: string[],
    ) => Promise<void> = async () => {},
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
      const result = await this.plan(imp, batch, planned);
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
      const plan = await this.plan(imp, rows, null);
      const progress = addUp(before, plan, rows.length);
      const now = Date.now();
      const events = imp.options.emit_events ? plan.events : [];
      const routed = await this.ingest.route(
        imp.tenant_id,
        events.map((e) => eventRecord(imp.tenant_id, e, now)),
        now,
      );
      const result = await this.store.imports.writeChunk({
        importId: imp.id,
        tenantId: imp.tenant_id,
        jobId: job.id,
        owner: job.owner,
        clients: plan.clients,
        cases: plan.cases,
        outbox: { events: routed.events, claimFor: routed.claim },
        progress,
        now,
      });
      if (result.ok) {
        this.ingest.committed(routed, result.results);
        if (imp.options.enrich && plan.clients.create.length > 0) {
          await this.enrichCreated(
            imp.tenant_id,
            imp.id,
            plan.clients.create.map((c) => c.id),
          );
        }
        return progress;
      }
      if (result.reason === "lost") throw new ImportLost("the import's job is no longer held by this worker");
      if (attempt >= STALE_RETRIES)
        throw new Error("records of the import keep changing under it; retrying later");
    }
  }

  /**
   * What a chunk of rows comes to. `planned` (check passes only) carries the keys of records
   * earlier chunks would have created, since nothing was written for them.
   */
  private plan(imp: ImportRecord, rows: FileRow[], planned: Set<string> | null): Promise<ChunkPlan> {
    return imp.object === "clients"
      ? this.planClients(imp, rows, planned)
      : this.planCases(imp, rows, planned);
  }

  private async planClients(
    imp: ImportRecord,
    rows: FileRow[],
    planned: Set<string> | null,
  ): Promise<ChunkPlan> {
    const plan = emptyPlan();
    const clients = this.records.clients;
    const rules = await clients.rules(imp.tenant_id);
    const region = rules.region;
    const read: Array<{ row: number; client: ClientRow }> = [];
    for (const file of rows) {
      if ("problem" in file) {
        fail(plan, file.row, file.problem);
        continue;
      }
      const reading = readClientRow(file.cells, region, imp.options.connection);
      if (!reading.ok) for (const problem of reading.problems) fail(plan, file.row, problem);
      else {
        const customFields = customFieldsFromText(
          rules.settings.custom_fields.clients,
          reading.row.customFields,
        );
        read.push({ row: file.row, client: { ...reading.row, customFields } });
      }
    }
    const index = clientIndex<ClientRecord>();
    const existing = await this.store.imports.findClients(imp.tenant_id, {
      ids: read.flatMap((r) => (r.client.keys.id ? [r.client.keys.id] : [])),
      externalIds: read.flatMap((r) => Object.values(r.client.keys.externalIds)),
      phones: read.flatMap((r) => r.client.keys.phones),
      emails: read.flatMap((r) => r.client.keys.emails),
    });
    for (const record of existing) index.put(record);
    const created = new Map<string, ClientRecord>();
    const updated = new Map<string, { record: ClientRecord; expectedVersion: number }>();
    const now = Date.now();
    for (const { row, client } of read) {
      try {
        const current = index.find(client.keys);
        if (current === null) {
          if (planned && rowKeys(client).some((k) => planned.has(k))) {
            plan.updated++;
            continue;
          }
          const prepared = clients.prepareCreate(
            imp.tenant_id,
            clientPatchFor(EMPTY_CLIENT, client),
            CHANGE_SOURCE,
            "",
            now,
            rules,
          );
          created.set(prepared.record.id, prepared.record);
          index.put(prepared.record);
          plan.events.push(...prepared.events);
          plan.created++;
          if (planned) for (const key of clientContactKeys(prepared.record)) planned.add(key);
          if (planned) for (const key of rowKeys(client)) planned.add(key);
          continue;
        }
        const prepared = clients.prepareUpdate(
          current,
          clientPatchFor(current, client),
          CHANGE_SOURCE,
          "",
          now,
          rules,
        );
        if (prepared === null) {
          plan.skipped++;
          continue;
        }
        // A record created or changed earlier in this chunk is written once, as it ends up.
        if (created.has(current.id)) created.set(current.id, prepared.record);
        else {
          const expectedVersion = updated.get(current.id)?.expectedVersion ?? current.version;
          updated.set(current.id, { record: prepared.record, expectedVersion });
        }
        index.put(prepared.record);
        plan.events.push(...prepared.events);
        plan.updated++;
      } catch (error) {
        failWith(plan, row, error);
      }
    }
    plan.clients = { create: [...created.values()], update: [...updated.values()] };
    return plan;
  }

  private async planCases(
    imp: ImportRecord,
    rows: FileRow[],
    planned: Set<string> | null,
  ): Promise<ChunkPlan> {
    const plan = emptyPlan();
    const cases = this.records.cases;
    const rules = await cases.rules(imp.tenant_id);
    const region = rules.region;
    const read: Array<{ row: number; record: CaseRow }> = [];
    for (const file of rows) {
      if ("problem" in file) {
        fail(plan, file.row, file.problem);
        continue;
      }
      const reading = readCaseRow(file.cells, region, imp.options.connection);
      if (!reading.ok) for (const problem of reading.problems) fail(plan, file.row, problem);
      else {
        const customFields = customFieldsFromText(
          rules.settings.custom_fields.cases,
          reading.row.customFields,
        );
        read.push({ row: file.row, record: { ...reading.row, customFields } });
      }
    }
    const refs = read.flatMap((r) => (r.record.client ? [r.record.client] : []));
    const clientsFound = clientIndex<ClientRecord>();
    const owners = await this.store.imports.findClients(imp.tenant_id, {
      ids: refs.flatMap((c) => (c.id ? [c.id] : [])),
      externalIds: refs.flatMap((c) => (c.externalId ? [c.externalId[1]] : [])),
      phones: refs.flatMap((c) => (c.phone ? [c.phone] : [])),
      emails: refs.flatMap((c) => (c.email ? [c.email] : [])),
    });
    for (const client of owners) clientsFound.put(client);
    const index = caseIndex<CaseRecord>();
    const existing = await this.store.imports.findCases(imp.tenant_id, {
      ids: read.flatMap((r) => (r.record.keys.id ? [r.record.keys.id] : [])),
      externalIds: read.flatMap((r) => Object.values(r.record.keys.externalIds)),
    });
    for (const record of existing) index.put(record);
    const created = new Map<string, CaseRecord>();
    const updated = new Map<string, { record: CaseRecord; expectedVersion: number }>();
    const now = Date.now();
    for (const { row, record } of read) {
      try {
        const client = record.client ? clientsFound.findReference(record.client) : null;
        if (record.client && client === null) {
          fail(plan, row, {
            path: "",
            code: "client_not_found",
            message: "no client matches the row's client columns",
          });
          continue;
        }
        const current = index.find(record.keys);
        if (current === null) {
          const externalKeys = Object.entries(record.keys.externalIds).map(([c, v]) => `${c}\u0000${v}`);
          if (planned && externalKeys.some((k) => planned.has(k))) {
            plan.updated++;
            continue;
          }
          if (client === null) {
            fail(plan, row, {
              path: "",
              code: "client_required",
              message:
                "a new case needs its client: client_id, client_external_id, client_phone or client_email",
            });
            continue;
          }
          const patch = casePatchFor(emptyCase(client.id), record);
          const prepared = cases.prepareCreate(
            imp.tenant_id,
            { ...patch, client_id: client.id },
            CHANGE_SOURCE,
            "",
            now,
            rules,
          );
          created.set(prepared.record.id, prepared.record);
          index.put(prepared.record);
          plan.events.push(...prepared.events);
          plan.created++;
          if (planned) for (const key of externalKeys) planned.add(key);
          continue;
        }
        const patch = { ...casePatchFor(current, record), ...(client ? { client_id: client.id } : {}) };
        const prepared = cases.prepareUpdate(current, patch, CHANGE_SOURCE, "", now, rules);
        if (prepared === null) {
          plan.skipped++;
          continue;
        }
        if (created.has(current.id)) created.set(current.id, prepared.record);
        else {
          const expectedVersion = updated.get(current.id)?.expectedVersion ?? current.version;
          updated.set(current.id, { record: prepared.record, expectedVersion });
        }
        index.put(prepared.record);
        plan.events.push(...prepared.events);
        plan.updated++;
      } catch (error) {
        failWith(plan, row, error);
      }
    }
    plan.cases = { create: [...created.values()], update: [...updated.values()] };
    return plan;
  }
}

function emptyPlan(): ChunkPlan {
  return {
    clients: { create: [], update: [] },
    cases: { create: [], update: [] },
    events: [],
    created: 0,
    updated: 0,
    skipped: 0,
    failed: 0,
    errors: [],
  };
}

/** The keys a client row is found by, as the check pass remembers them. */
function rowKeys(client: ClientRow): string[] {
  return [
    ...Object.entries(client.keys.externalIds).map(([c, v]) => `${c}\u0000${v}`),
    ...client.keys.phones.map((p) => `phone:${p}`),
    ...client.keys.emails.map((e) => `email:${e}`),
  ];
}

/** Counts a bad row once, keeping each of its problems (the first {@link MAX_IMPORT_ERRORS} of the import). */
const failedRows = new WeakMap<ChunkPlan, Set<number>>();
function fail(plan: ChunkPlan, row: number, problem: { path: string; code: string; message: string }): void {
  const rows = failedRows.get(plan) ?? new Set<number>();
  failedRows.set(plan, rows);
  if (!rows.has(row)) {
    rows.add(row);
    plan.failed++;
  }
  plan.errors.push({ row, ...problem });
}

function failWith(plan: ChunkPlan, row: number, error: unknown): void {
  if (!(error instanceof DomainError)) throw error;
  const path = typeof error.details?.path === "string" ? error.details.path : "";
  fail(plan, row, { path, code: error.code, message: error.message });
}

function addUp(before: ImportProgress, plan: ChunkPlan, rows: number): ImportProgress {
  const room = MAX_IMPORT_ERRORS - before.errors.length;
  return {
    status: "running",
    done: before.done + rows,
    created: before.created + plan.created,
    updated: before.updated + plan.updated,
    skipped: before.skipped + plan.skipped,
    failed: before.failed + plan.failed,
    errors: room > 0 ? [...before.errors, ...plan.errors.slice(0, room)] : before.errors,
  };
}
