import { DomainError } from "../../domain/errors.js";
import { emptyCase } from "../../domain/records/case.js";
import { EMPTY_CLIENT } from "../../domain/records/client.js";
import { customFieldsFromText } from "../../domain/records/custom-fields.js";
import type { RecordEvent } from "../../domain/records/events.js";
import { caseIndex, clientContactKeys, clientIndex } from "../../domain/records/import-match.js";
import {
  type ClientRow,
  casePatchFor,
  clientPatchFor,
  type RowProblem,
  type RowReading,
  readCaseRow,
  readClientRow,
} from "../../domain/records/import-rows.js";
import type { ImportProgress, ImportRecord, ImportRowError } from "../../store/imports/repository.js";
import { MAX_IMPORT_ERRORS } from "../../store/imports/repository.js";
import type { CaseRecord, ClientRecord, Store } from "../../store/index.js";
import type { Records } from "../index.js";
import type { FileRow } from "./file.js";

const CHANGE_SOURCE = "import";

/** Records written as one chunk: creates, and updates compare-and-swap on the version read. */
export interface ChunkWrites<R> {
  create: R[];
  update: Array<{ record: R; expectedVersion: number }>;
}

/** What one chunk of rows comes to: the writes, and how each row counted. */
export interface ChunkPlan {
  clients: ChunkWrites<ClientRecord>;
  cases: ChunkWrites<CaseRecord>;
  events: RecordEvent[];
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  errors: ImportRowError[];
}

/** What planning reads: existing records, the tenant's rules, the services that prepare writes. */
export interface PlanSources {
  store: Store;
  records: Records;
}

/**
 * What a chunk of rows comes to. `planned` (check passes only) carries the keys of records
 * earlier chunks would have created, since nothing was written for them.
 */
export function planChunk(
  sources: PlanSources,
  imp: ImportRecord,
  rows: FileRow[],
  planned: Set<string> | null,
): Promise<ChunkPlan> {
  return imp.object === "clients"
    ? planClients(sources, imp, rows, planned)
    : planCases(sources, imp, rows, planned);
}

async function planClients(
  { store, records }: PlanSources,
  imp: ImportRecord,
  rows: FileRow[],
  planned: Set<string> | null,
): Promise<ChunkPlan> {
  const plan = emptyPlan();
  const clients = records.clients;
  const rules = await clients.rules(imp.tenant_id);
  const read = readEach(plan, rows, (cells) => {
    const reading = readClientRow(cells, rules.region, imp.options.connection);
    if (!reading.ok) return reading;
    const customFields = customFieldsFromText(rules.settings.custom_fields.clients, reading.row.customFields);
    return { ok: true, row: { ...reading.row, customFields } };
  });
  const index = clientIndex<ClientRecord>();
  const existing = await store.imports.findClients(imp.tenant_id, {
    ids: read.flatMap((r) => (r.value.keys.id ? [r.value.keys.id] : [])),
    externalIds: read.flatMap((r) => Object.values(r.value.keys.externalIds)),
    phones: read.flatMap((r) => r.value.keys.phones),
    emails: read.flatMap((r) => r.value.keys.emails),
  });
  for (const record of existing) index.put(record);
  const writes = new Writes<ClientRecord>();
  const now = Date.now();
  for (const { row, value: client } of read) {
    try {
      const current = index.find(client.keys);
      if (current === null) {
        const keys = rowKeys(client);
        if (planned && keys.some((k) => planned.has(k))) {
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
        writes.created(prepared.record);
        index.put(prepared.record);
        plan.events.push(...prepared.events);
        plan.created++;
        if (planned) for (const key of [...clientContactKeys(prepared.record), ...keys]) planned.add(key);
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
      if (prepared === null) plan.skipped++;
      else {
        writes.updated(current, prepared.record);
        index.put(prepared.record);
        plan.events.push(...prepared.events);
        plan.updated++;
      }
    } catch (error) {
      failWith(plan, row, error);
    }
  }
  plan.clients = writes.result();
  return plan;
}

async function planCases(
  { store, records }: PlanSources,
  imp: ImportRecord,
  rows: FileRow[],
  planned: Set<string> | null,
): Promise<ChunkPlan> {
  const plan = emptyPlan();
  const cases = records.cases;
  const rules = await cases.rules(imp.tenant_id);
  const read = readEach(plan, rows, (cells) => {
    const reading = readCaseRow(cells, rules.region, imp.options.connection);
    if (!reading.ok) return reading;
    const customFields = customFieldsFromText(rules.settings.custom_fields.cases, reading.row.customFields);
    return { ok: true, row: { ...reading.row, customFields } };
  });
  const refs = read.flatMap((r) => (r.value.client ? [r.value.client] : []));
  const clientsFound = clientIndex<ClientRecord>();
  const owners = await store.imports.findClients(imp.tenant_id, {
    ids: refs.flatMap((c) => (c.id ? [c.id] : [])),
    externalIds: refs.flatMap((c) => (c.externalId ? [c.externalId[1]] : [])),
    phones: refs.flatMap((c) => (c.phone ? [c.phone] : [])),
    emails: refs.flatMap((c) => (c.email ? [c.email] : [])),
  });
  for (const client of owners) clientsFound.put(client);
  const index = caseIndex<CaseRecord>();
  const existing = await store.imports.findCases(imp.tenant_id, {
    ids: read.flatMap((r) => (r.value.keys.id ? [r.value.keys.id] : [])),
    externalIds: read.flatMap((r) => Object.values(r.value.keys.externalIds)),
  });
  for (const record of existing) index.put(record);
  const writes = new Writes<CaseRecord>();
  const now = Date.now();
  for (const { row, value: record } of read) {
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
        const keys = externalKeys(record.keys.externalIds);
        if (planned && keys.some((k) => planned.has(k))) {
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
        writes.created(prepared.record);
        index.put(prepared.record);
        plan.events.push(...prepared.events);
        plan.created++;
        if (planned) for (const key of keys) planned.add(key);
        continue;
      }
      const patch = { ...casePatchFor(current, record), ...(client ? { client_id: client.id } : {}) };
      const prepared = cases.prepareUpdate(current, patch, CHANGE_SOURCE, "", now, rules);
      if (prepared === null) plan.skipped++;
      else {
        writes.updated(current, prepared.record);
        index.put(prepared.record);
        plan.events.push(...prepared.events);
        plan.updated++;
      }
    } catch (error) {
      failWith(plan, row, error);
    }
  }
  plan.cases = writes.result();
  return plan;
}

/** The chunk's writes of one kind: a record created or changed earlier in the chunk is written once, as it ends up. */
class Writes<R extends { id: string; version: number }> {
  private readonly creates = new Map<string, R>();
  private readonly updates = new Map<string, { record: R; expectedVersion: number }>();

  created(record: R): void {
    this.creates.set(record.id, record);
  }

  updated(current: R, record: R): void {
    if (this.creates.has(current.id)) this.creates.set(current.id, record);
    else {
      const expectedVersion = this.updates.get(current.id)?.expectedVersion ?? current.version;
      this.updates.set(current.id, { record, expectedVersion });
    }
  }

  result(): ChunkWrites<R> {
    return { create: [...this.creates.values()], update: [...this.updates.values()] };
  }
}

/** Reads each file row into a record row; unreadable rows are counted as failed with their problems. */
function readEach<T>(
  plan: ChunkPlan,
  rows: FileRow[],
  read: (cells: Extract<FileRow, { cells: unknown }>["cells"]) => RowReading<T>,
): Array<{ row: number; value: T }> {
  const out: Array<{ row: number; value: T }> = [];
  for (const file of rows) {
    if ("problem" in file) {
      fail(plan, file.row, file.problem);
      continue;
    }
    const reading = read(file.cells);
    if (reading.ok) out.push({ row: file.row, value: reading.row });
    else for (const problem of reading.problems) fail(plan, file.row, problem);
  }
  return out;
}

export function emptyPlan(): ChunkPlan {
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

function externalKeys(externalIds: Record<string, string>): string[] {
  return Object.entries(externalIds).map(([c, v]) => `${c}\u0000${v}`);
}

/** The keys a client row is found by, as the check pass remembers them. */
function rowKeys(client: ClientRow): string[] {
  return [
    ...externalKeys(client.keys.externalIds),
    ...client.keys.phones.map((p) => `phone:${p}`),
    ...client.keys.emails.map((e) => `email:${e}`),
  ];
}

/** Counts a bad row once, keeping each of its problems (the first {@link MAX_IMPORT_ERRORS} of the import). */
const failedRows = new WeakMap<ChunkPlan, Set<number>>();
function fail(plan: ChunkPlan, row: number, problem: RowProblem): void {
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

/** The import's totals after a chunk of `rows` rows planned as `plan`. */
export function addUp(before: ImportProgress, plan: ChunkPlan, rows: number): ImportProgress {
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
