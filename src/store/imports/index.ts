import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { ImportObject, MappedColumn } from "../../domain/records/import-columns.js";
import { caseFromRow, caseToRow } from "../cases.js";
import { chunks } from "../chunks.js";
import { clientFromRow, clientToRow, replaceContacts } from "../clients.js";
import type { CaseRecord, ClientRecord } from "../index.js";
import { writeEvents } from "../ingest.js";
import { enqueueJob } from "../jobs/enqueue.js";
import { newJobRow } from "../jobs/rows.js";
import { page } from "../rows.js";
import type { ClientContactTable, Database, ImportTable } from "../schema.js";
import { exportCasesPage, exportClientsPage } from "./export.js";
import type {
  ImportOptions,
  ImportProgress,
  ImportRecord,
  ImportRepository,
  ImportRowError,
  ImportStatus,
} from "./repository.js";

type Db = Kysely<Database>;

/** Thrown inside a chunk's transaction to roll it back; the reason is answered to the caller. */
class ChunkAbort extends Error {
  constructor(readonly reason: "lost" | "stale") {
    super(reason);
  }
}

export function importRepository(db: Db, dialect: "sqlite" | "postgres"): ImportRepository {
  /** Rows whose external ids (a JSON object) hold one of `values`. */
  const externalIdMatch = (table: "clients" | "cases", values: string[]) =>
    dialect === "sqlite"
      ? sql<boolean>`exists (select 1 from json_each(${sql.ref(`${table}.external_ids`)}) where json_each.value in (${sql.join(values)}))`
      : sql<boolean>`exists (select 1 from jsonb_each_text(${sql.ref(`${table}.external_ids`)}::jsonb) e where e.value in (${sql.join(values)}))`;

  return {
    create: (record, data, job) =>
      db.transaction().execute(async (tx) => {
        await tx
          .insertInto("jobs")
          .values(newJobRow(record.job_id, job, record.created_at))
          .execute();
        await tx.insertInto("imports").values(importToRow(record, data)).execute();
      }),
    async get(tenantId, id) {
      const row = await selectImport(db)
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? importFromRow(row) : null;
    },
    async getById(id) {
      const row = await selectImport(db).where("id", "=", id).executeTakeFirst();
      return row ? importFromRow(row) : null;
    },
    async data(id) {
      const row = await db
        .selectFrom("imports")
        .select("data")
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
      return row.data;
    },
    async list(tenantId, options) {
      let q = selectImport(db).where("tenant_id", "=", tenantId);
      if (options.cursor) q = q.where("id", "<", options.cursor);
      const rows = await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(importFromRow), options.limit);
    },
    async findClients(tenantId, keys) {
      // One query per kind of key and power-of-two slice (see chunks): a statement per shape in
      // SQLite's cache, and no expression tree deeper than SQLite allows (1,000 ORs are too deep).
      const ids = new Set(keys.ids);
      for (const [kind, values] of [
        ["phone", keys.phones ?? []],
        ["email", keys.emails ?? []],
      ] as const) {
        for (const slice of chunks(unique(values))) {
          const rows = await db
            .selectFrom("client_contacts")
            .select("client_id")
            .where("tenant_id", "=", tenantId)
            .where("kind", "=", kind)
            .where("value", "in", slice)
            .execute();
          for (const row of rows) ids.add(row.client_id);
        }
      }
      const found = new Map<string, ClientRecord>();
      for (const slice of chunks(unique(keys.externalIds))) {
        const rows = await db
          .selectFrom("clients")
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .where("deleted_at", "is", null)
          .where(externalIdMatch("clients", slice))
          .execute();
        for (const row of rows) found.set(row.id, clientFromRow(row));
      }
      for (const slice of chunks([...ids].filter((id) => !found.has(id)))) {
        const rows = await db
          .selectFrom("clients")
          .selectAll()
          .where("tenant_id", "=", tenantId)
          .where("deleted_at", "is", null)
          .where("id", "in", slice)
          .execute();
        for (const row of rows) found.set(row.id, clientFromRow(row));
      }
      return [...found.values()];
    },
    async findCases(tenantId, keys) {
      const found = new Map<string, CaseRecord>();
      for (const [column, values] of [
        ["id", keys.ids],
        ["external", keys.externalIds],
      ] as const) {
        for (const slice of chunks(unique(values))) {
          const rows = await db
            .selectFrom("cases")
            .selectAll()
            .where("tenant_id", "=", tenantId)
            .where("deleted_at", "is", null)
            .where((eb) => (column === "id" ? eb("id", "in", slice) : externalIdMatch("cases", slice)))
            .execute();
          for (const row of rows) found.set(row.id, caseFromRow(row));
        }
      }
      return [...found.values()];
    },
    async writeChunk(chunk) {
      try {
        const results = await db.transaction().execute(async (tx) => {
          // First: a worker that lost the job must not write a single record.
          const held = await tx
            .updateTable("jobs")
            .set({ progress_done: chunk.progress.done, updated_at: chunk.now })
            .where("id", "=", chunk.jobId)
            .where("lease_owner", "=", chunk.owner)
            .where("state", "=", "running")
            .executeTakeFirst();
          if (Number(held.numUpdatedRows) === 0) throw new ChunkAbort("lost");
          await insertClients(tx, chunk.clients.create);
          for (const { record, expectedVersion } of chunk.clients.update) {
            const { id, tenant_id, created_at, ...changed } = clientToRow(record);
            const result = await tx
              .updateTable("clients")
              .set(changed)
              .where("tenant_id", "=", tenant_id)
              .where("id", "=", id)
              .where("version", "=", expectedVersion)
              .where("deleted_at", "is", null)
              .executeTakeFirst();
            if (Number(result.numUpdatedRows) === 0) throw new ChunkAbort("stale");
            await replaceContacts(tx, record);
          }
          for (const slice of chunks(chunk.cases.create.map(caseToRow))) {
            await tx.insertInto("cases").values(slice).execute();
          }
          for (const { record, expectedVersion } of chunk.cases.update) {
            const { id, tenant_id, created_at, ...changed } = caseToRow(record);
            const result = await tx
              .updateTable("cases")
              .set(changed)
              .where("tenant_id", "=", tenant_id)
              .where("id", "=", id)
              .where("version", "=", expectedVersion)
              .where("deleted_at", "is", null)
              .executeTakeFirst();
            if (Number(result.numUpdatedRows) === 0) throw new ChunkAbort("stale");
          }
          const written =
            chunk.outbox.events.length === 0
              ? []
              : await writeEvents(tx, chunk.tenantId, chunk.outbox.events, chunk.now, chunk.outbox.claimFor);
          for (const job of chunk.jobs) await enqueueJob(tx, job, chunk.now);
          await tx
            .updateTable("imports")
            .set(progressToRow(chunk.progress, chunk.now))
            .where("id", "=", chunk.importId)
            .execute();
          return written;
        });
        return { ok: true, results };
      } catch (error) {
        if (error instanceof ChunkAbort) return { ok: false, reason: error.reason };
        throw error;
      }
    },
    exportClients: (tenantId, filter, after, limit) => exportClientsPage(db, tenantId, filter, after, limit),
    exportCases: (tenantId, filter, after, limit) => exportCasesPage(db, tenantId, filter, after, limit),
    async saveProgress(id, progress, now, finished) {
      await db
        .updateTable("imports")
        .set({ ...progressToRow(progress, now), ...(finished ? { finished_at: now } : {}) })
        .where("id", "=", id)
        .execute();
    },
  };
}

/** New clients and their phone/email lookup rows, in multi-row statements. */
async function insertClients(tx: Transaction<Database>, clients: ClientRecord[]): Promise<void> {
  for (const slice of chunks(clients.map(clientToRow)))
    await tx.insertInto("clients").values(slice).execute();
  const contacts: ClientContactTable[] = clients.flatMap((c) => [
    ...c.phones.map((p) => ({
      tenant_id: c.tenant_id,
      client_id: c.id,
      kind: "phone" as const,
      value: p.number,
    })),
    ...c.emails.map((e) => ({ tenant_id: c.tenant_id, client_id: c.id, kind: "email" as const, value: e })),
  ]);
  for (const slice of chunks(contacts)) await tx.insertInto("client_contacts").values(slice).execute();
}

/** Every column but the file text, which only the job reads. */
function selectImport(db: Db) {
  return db
    .selectFrom("imports")
    .select([
      "id",
      "tenant_id",
      "job_id",
      "object",
      "format",
      "columns",
      "options",
      "status",
      "total",
      "done",
      "created",
      "updated",
      "skipped",
      "failed",
      "errors",
      "created_at",
      "updated_at",
      "finished_at",
    ]);
}

function progressToRow(progress: ImportProgress, now: number) {
  return {
    status: progress.status,
    done: progress.done,
    created: progress.created,
    updated: progress.updated,
    skipped: progress.skipped,
    failed: progress.failed,
    errors: JSON.stringify(progress.errors),
    updated_at: now,
  };
}

function importToRow(record: ImportRecord, data: string): ImportTable {
  return {
    id: record.id,
    tenant_id: record.tenant_id,
    job_id: record.job_id,
    object: record.object,
    format: record.format,
    data,
    columns: JSON.stringify(record.columns),
    options: JSON.stringify(record.options),
    total: record.total,
    ...progressToRow(record, record.created_at),
    created_at: record.created_at,
    finished_at: record.finished_at,
  };
}

function importFromRow(row: Omit<Selectable<ImportTable>, "data">): ImportRecord {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    job_id: row.job_id,
    object: row.object as ImportObject,
    format: row.format as "csv" | "jsonl",
    columns: JSON.parse(row.columns) as MappedColumn[],
    options: JSON.parse(row.options) as ImportOptions,
    status: row.status as ImportStatus,
    total: Number(row.total),
    done: Number(row.done),
    created: Number(row.created),
    updated: Number(row.updated),
    skipped: Number(row.skipped),
    failed: Number(row.failed),
    errors: JSON.parse(row.errors) as ImportRowError[],
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    finished_at: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
