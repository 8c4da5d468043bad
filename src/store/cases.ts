import type { Kysely, Transaction } from "kysely";
import type { CaseRecord, CaseRepository, RecordOutbox } from "./index.js";
import { writeEvents } from "./ingest.js";
import { page } from "./rows.js";
import type { CaseTable, Database } from "./schema.js";

/** Case rows: one function per operation. */
type Db = Kysely<Database>;

export function caseRepository(db: Db): CaseRepository {
  return {
    create: (record, outbox) =>
      db.transaction().execute(async (tx) => {
        await tx.insertInto("cases").values(caseToRow(record)).execute();
        return writeOutbox(tx, record.tenant_id, record.updated_at, outbox);
      }),
    async get(tenantId, id) {
      const row = await db
        .selectFrom("cases")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return row ? caseFromRow(row) : null;
    },
    async list(tenantId, options) {
      let q = db
        .selectFrom("cases")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("deleted_at", "is", null);
      if (options.cursor) q = q.where("id", "<", options.cursor);
      if (options.clientId !== undefined) q = q.where("client_id", "=", options.clientId);
      if (options.status !== undefined) q = q.where("status", "=", options.status);
      if (options.caseType !== undefined) q = q.where("case_type", "=", options.caseType);
      if (options.updatedSince !== undefined) q = q.where("updated_at", ">=", options.updatedSince);
      const rows = await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(caseFromRow), options.limit);
    },
    async countByTypeAndStatus(tenantId) {
      const rows = await db
        .selectFrom("cases")
        .select(["case_type", "status", (eb) => eb.fn.countAll<number | string | bigint>().as("count")])
        .where("tenant_id", "=", tenantId)
        .where("deleted_at", "is", null)
        .groupBy(["case_type", "status"])
        .execute();
      // PostgreSQL answers count(*) as a bigint string.
      return rows.map((r) => ({ case_type: r.case_type, status: r.status, count: Number(r.count) }));
    },
    async findByCallId(tenantId, callId) {
      const row = await db
        .selectFrom("cases")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("call_id", "=", callId)
        .where("deleted_at", "is", null)
        .orderBy("id", "asc")
        .limit(1)
        .executeTakeFirst();
      return row ? caseFromRow(row) : null;
    },
    update: (record, expectedVersion, outbox) =>
      db.transaction().execute(async (tx) => {
        const { id, tenant_id, created_at, ...changed } = caseToRow(record);
        const result = await tx
          .updateTable("cases")
          .set(changed)
          .where("tenant_id", "=", tenant_id)
          .where("id", "=", id)
          .where("version", "=", expectedVersion)
          .where("deleted_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return null;
        return writeOutbox(tx, tenant_id, record.updated_at, outbox);
      }),
    delete: (tenantId, id, expectedVersion, now, outbox) =>
      db.transaction().execute(async (tx) => {
        const result = await tx
          .updateTable("cases")
          .set({ deleted_at: now, updated_at: now, version: expectedVersion + 1 })
          .where("tenant_id", "=", tenantId)
          .where("id", "=", id)
          .where("version", "=", expectedVersion)
          .where("deleted_at", "is", null)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return null;
        return writeOutbox(tx, tenantId, now, outbox);
      }),
  };
}

function writeOutbox(tx: Transaction<Database>, tenantId: string, now: number, outbox: RecordOutbox) {
  return outbox.events.length === 0
    ? Promise.resolve([])
    : writeEvents(tx, tenantId, outbox.events, now, outbox.claimFor);
}

export function caseToRow(record: CaseRecord): Omit<CaseTable, "deleted_at"> {
  return {
    ...record,
    custom_fields: JSON.stringify(record.custom_fields),
    external_ids: JSON.stringify(record.external_ids),
  };
}

export function caseFromRow(row: CaseTable): CaseRecord {
  const { deleted_at, ...rest } = row;
  return {
    ...rest,
    custom_fields: JSON.parse(row.custom_fields),
    external_ids: JSON.parse(row.external_ids),
  };
}
