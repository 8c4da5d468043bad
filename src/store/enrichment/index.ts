import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import { decideBudget } from "../../domain/enrichment/budget.js";
import { DEFAULT_ENRICHMENT_SETTINGS, type EnrichmentSettings } from "../../domain/enrichment/settings.js";
import type { LookupResult } from "../../domain/enrichment/types.js";
import { generateId } from "../../domain/ids.js";
import { newJobRow } from "../jobs/rows.js";
import { page } from "../rows.js";
import type { Database, EnrichmentLookupTable, EnrichmentRunTable } from "../schema.js";
import type { EnrichmentRepository, LookupRecord, LookupStatus, RunRecord } from "./repository.js";

type Db = Kysely<Database>;

export function enrichmentRepository(db: Db, dialect: "sqlite" | "postgres"): EnrichmentRepository {
  /**
   * One budget decision at a time per tenant. PostgreSQL: a transaction-scoped advisory lock on
   * the tenant, so nodes queue on it and each sees the spend the previous one committed. SQLite:
   * the embedded store runs one transaction at a time on its single connection already.
   */
  const lockTenant = async (tx: Transaction<Database>, tenantId: string) => {
    if (dialect === "postgres") {
      await sql`select pg_advisory_xact_lock(hashtext(${`enrichment:${tenantId}`}))`.execute(tx);
    }
  };
  const lookupById = async (q: Kysely<Database>, runId: string, provider: string) => {
    const row = await q
      .selectFrom("enrichment_lookups")
      .selectAll()
      .where("run_id", "=", runId)
      .where("provider", "=", provider)
      .executeTakeFirst();
    return row ? lookupFromRow(row) : null;
  };

  return {
    async providers(tenantId) {
      const rows = await db
        .selectFrom("enrichment_providers")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .execute();
      return rows.map((r) => ({ ...r, enabled: r.enabled === 1, updated_at: Number(r.updated_at) }));
    },
    async putProvider(record) {
      const row = { ...record, enabled: record.enabled ? 1 : 0 };
      await db
        .insertInto("enrichment_providers")
        .values(row)
        .onConflict((oc) =>
          oc.columns(["tenant_id", "name"]).doUpdateSet({
            enabled: row.enabled,
            priority: row.priority,
            base_url: row.base_url,
            credentials: row.credentials,
            credential_hint: row.credential_hint,
            price: row.price,
            updated_at: row.updated_at,
          }),
        )
        .execute();
    },
    async settings(tenantId) {
      const row = await db
        .selectFrom("enrichment_settings")
        .select("document")
        .where("tenant_id", "=", tenantId)
        .executeTakeFirst();
      // Settings saved by an older version lack newer keys: the defaults fill them.
      return row
        ? { ...DEFAULT_ENRICHMENT_SETTINGS, ...(JSON.parse(row.document) as Partial<EnrichmentSettings>) }
        : null;
    },
    async putSettings(tenantId, settings, now) {
      const document = JSON.stringify(settings);
      await db
        .insertInto("enrichment_settings")
        .values({ tenant_id: tenantId, document, updated_at: now })
        .onConflict((oc) => oc.column("tenant_id").doUpdateSet({ document, updated_at: now }))
        .execute();
    },

    createRun: (run, job) =>
      db.transaction().execute(async (tx) => {
        const inserted = await tx
          .insertInto("enrichment_runs")
          .values(runToRow(run))
          .onConflict((oc) => oc.columns(["tenant_id", "client_id", "trigger_key"]).doNothing())
          .returning("id")
          .executeTakeFirst();
        if (inserted) {
          if (job)
            await tx
              .insertInto("jobs")
              .values(newJobRow(generateId("job_"), job, run.created_at))
              .execute();
          return { run, created: true };
        }
        const existing = await tx
          .selectFrom("enrichment_runs")
          .selectAll()
          .where("tenant_id", "=", run.tenant_id)
          .where("client_id", "=", run.client_id)
          .where("trigger_key", "=", run.trigger_key)
          .executeTakeFirstOrThrow();
        return { run: runFromRow(existing), created: false };
      }),
    async getRun(tenantId, id) {
      const row = await db
        .selectFrom("enrichment_runs")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? runFromRow(row) : null;
    },
    async listRuns(tenantId, filters, options) {
      let q = db.selectFrom("enrichment_runs").selectAll().where("tenant_id", "=", tenantId);
      if (filters.client_id) q = q.where("client_id", "=", filters.client_id);
      if (filters.trigger) q = q.where("trigger", "=", filters.trigger);
      if (filters.status) q = q.where("status", "=", filters.status);
      if (filters.since !== undefined) q = q.where("created_at", ">=", filters.since);
      if (filters.until !== undefined) q = q.where("created_at", "<", filters.until);
      if (options.cursor) q = q.where("id", "<", options.cursor);
      const rows = await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(runFromRow), options.limit);
    },
    async updateRun(id, fields) {
      const set: Partial<EnrichmentRunTable> = {};
      if (fields.status !== undefined) set.status = fields.status;
      if (fields.provider !== undefined) set.provider = fields.provider;
      if (fields.fields_found !== undefined) set.fields_found = JSON.stringify(fields.fields_found);
      if (fields.fields_written !== undefined) set.fields_written = JSON.stringify(fields.fields_written);
      if (fields.data !== undefined) set.data = fields.data === null ? null : JSON.stringify(fields.data);
      if (fields.cost_micros !== undefined) set.cost_micros = fields.cost_micros;
      if (fields.error !== undefined) set.error = fields.error;
      if (fields.finished_at !== undefined) set.finished_at = fields.finished_at;
      if (Object.keys(set).length === 0) return;
      await db.updateTable("enrichment_runs").set(set).where("id", "=", id).execute();
    },

    lookupOf: (runId, provider) => lookupById(db, runId, provider),
    reserveLookup: (tenantId, runId, provider, month, estimate, limits, now) =>
      db.transaction().execute(async (tx) => {
        await lockTenant(tx, tenantId);
        const existing = await lookupById(tx, runId, provider);
        if (existing) return existing;
        const spent = await tx
          .selectFrom("enrichment_lookups")
          .select((eb) => eb.fn.coalesce(eb.fn.sum<number | string>("cost_micros"), eb.lit(0)).as("total"))
          .where("tenant_id", "=", tenantId)
          .where("month", "=", month)
          .executeTakeFirst();
        const decision = decideBudget(limits, Number(spent?.total ?? 0), estimate);
        const status: LookupStatus = decision.allowed ? "pending" : "skipped_budget";
        const row: EnrichmentLookupTable = {
          id: generateId("lku_"),
          tenant_id: tenantId,
          run_id: runId,
          provider,
          status,
          month,
          cost_micros: decision.allowed ? estimate : 0,
          result: null,
          error: decision.allowed ? null : decision.reason,
          created_at: now,
          updated_at: now,
        };
        await tx.insertInto("enrichment_lookups").values(row).execute();
        return lookupFromRow(row);
      }),
    async recordCachedLookup(tenantId, runId, provider, month, result, now) {
      await db
        .insertInto("enrichment_lookups")
        .values({
          id: generateId("lku_"),
          tenant_id: tenantId,
          run_id: runId,
          provider,
          status: "cached",
          month,
          cost_micros: 0,
          result: JSON.stringify(result),
          error: null,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(["run_id", "provider"]).doNothing())
        .execute();
    },
    async settleLookup(id, status, costMicros, result, error, now) {
      await db
        .updateTable("enrichment_lookups")
        .set({
          status,
          cost_micros: costMicros,
          result: result ? JSON.stringify(result) : null,
          error,
          updated_at: now,
        })
        .where("id", "=", id)
        .execute();
    },
    async spendByProvider(tenantId, month) {
      const rows = await db
        .selectFrom("enrichment_lookups")
        .select((eb) => ["provider", eb.fn.sum<number | string>("cost_micros").as("total")])
        .where("tenant_id", "=", tenantId)
        .where("month", "=", month)
        .groupBy("provider")
        .execute();
      return Object.fromEntries(rows.map((r) => [r.provider, Number(r.total)]));
    },

    async cached(tenantId, provider, key, now) {
      const row = await db
        .selectFrom("enrichment_cache")
        .select("result")
        .where("tenant_id", "=", tenantId)
        .where("provider", "=", provider)
        .where("key", "=", key)
        .where("expires_at", ">", now)
        .executeTakeFirst();
      return row ? (JSON.parse(row.result) as LookupResult) : null;
    },
    async putCache(tenantId, provider, key, result, now, expiresAt) {
      const text = JSON.stringify(result);
      await db
        .insertInto("enrichment_cache")
        .values({ tenant_id: tenantId, provider, key, result: text, created_at: now, expires_at: expiresAt })
        .onConflict((oc) =>
          oc
            .columns(["tenant_id", "provider", "key"])
            .doUpdateSet({ result: text, created_at: now, expires_at: expiresAt }),
        )
        .execute();
    },

    async recordAttempt(attempt) {
      await db
        .insertInto("enrichment_attempts")
        .values({
          id: generateId("att_"),
          tenant_id: attempt.tenant_id,
          run_id: attempt.run_id,
          provider: attempt.provider,
          request: JSON.stringify(attempt.request),
          status: attempt.status,
          error: attempt.error,
          duration_ms: attempt.duration_ms,
          created_at: attempt.created_at,
        })
        .execute();
    },
    async attempts(tenantId, runId) {
      const rows = await db
        .selectFrom("enrichment_attempts")
        .selectAll()
        .where("tenant_id", "=", tenantId)
        .where("run_id", "=", runId)
        .orderBy("id")
        .execute();
      return rows.map((r) => ({ ...r, request: JSON.parse(r.request), created_at: Number(r.created_at) }));
    },

    async putProvenance(tenantId, clientId, rows) {
      for (const r of rows) {
        await db
          .insertInto("enrichment_fields")
          .values({ tenant_id: tenantId, client_id: clientId, ...r })
          .onConflict((oc) =>
            oc.columns(["tenant_id", "client_id", "field"]).doUpdateSet({
              provider: r.provider,
              run_id: r.run_id,
              confidence: r.confidence,
              written_at: r.written_at,
            }),
          )
          .execute();
      }
    },
    async provenance(tenantId, clientId) {
      const rows = await db
        .selectFrom("enrichment_fields")
        .select(["field", "provider", "run_id", "confidence", "written_at"])
        .where("tenant_id", "=", tenantId)
        .where("client_id", "=", clientId)
        .orderBy("field")
        .execute();
      return rows.map((r) => ({ ...r, confidence: Number(r.confidence), written_at: Number(r.written_at) }));
    },
    async clientChanges(tenantId, clientId) {
      // The client's newest 500 change events (index events_client_id): enough history to know
      // which fields a person typed; older edits are long superseded.
      const rows = await db
        .selectFrom("events")
        .select(["type", "data"])
        .where("tenant_id", "=", tenantId)
        .where("client_id", "=", clientId)
        .where("type", "in", ["client.created", "client.updated"])
        .orderBy("id", "desc")
        .limit(500)
        .execute();
      return rows.flatMap((r) => {
        const data = typeof r.data === "string" ? (JSON.parse(r.data) as Record<string, unknown>) : null;
        if (!data || typeof data.change_source !== "string") return [];
        const changes = data.changes;
        const fields =
          r.type === "client.updated" && changes && typeof changes === "object"
            ? Object.keys(changes)
            : Object.keys(data).filter((k) => {
                const v = data[k];
                return v !== null && v !== "" && !(Array.isArray(v) && v.length === 0);
              });
        return [{ change_source: data.change_source, fields }];
      });
    },
  };
}

function runToRow(run: RunRecord): EnrichmentRunTable {
  return {
    ...run,
    wanted: JSON.stringify(run.wanted),
    fields_found: JSON.stringify(run.fields_found),
    fields_written: JSON.stringify(run.fields_written),
    data: run.data === null ? null : JSON.stringify(run.data),
  };
}

function runFromRow(row: Selectable<EnrichmentRunTable>): RunRecord {
  return {
    ...row,
    status: row.status as RunRecord["status"],
    wanted: JSON.parse(row.wanted),
    fields_found: JSON.parse(row.fields_found),
    fields_written: JSON.parse(row.fields_written),
    data: row.data === null ? null : JSON.parse(row.data),
    cost_micros: Number(row.cost_micros),
    created_at: Number(row.created_at),
    finished_at: row.finished_at === null ? null : Number(row.finished_at),
  };
}

function lookupFromRow(row: Selectable<EnrichmentLookupTable>): LookupRecord {
  return {
    id: row.id,
    run_id: row.run_id,
    provider: row.provider,
    status: row.status as LookupStatus,
    cost_micros: Number(row.cost_micros),
    result: row.result === null ? null : (JSON.parse(row.result) as LookupResult),
    error: row.error,
  };
}
