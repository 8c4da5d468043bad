import type { Kysely, Selectable } from "kysely";
import { page, webhookToRow } from "../rows.js";
import type { CrmConnectionTable, CrmLinkTable, CrmRunTable, Database } from "../schema.js";
import type {
  CrmConnectionRecord,
  CrmLink,
  CrmRepository,
  CrmRun,
  CrmRunMode,
  CrmRunStatus,
} from "./repository.js";

type Db = Kysely<Database>;

export function crmRepository(db: Db): CrmRepository {
  /** Connections whose target row is not deleted. */
  const live = () =>
    db
      .selectFrom("crm_connections as c")
      .innerJoin("webhooks as w", "w.id", "c.id")
      .selectAll("c")
      .where("w.deleted_at", "is", null);

  return {
    create: (target, connection) =>
      db.transaction().execute(async (tx) => {
        const row = webhookToRow(target);
        await tx
          .insertInto("webhooks")
          .values({
            ...(row as Required<typeof row>),
            id: target.id,
            tenant_id: target.tenant_id,
            kind: target.kind,
            created_at: target.created_at,
            deleted_at: null,
          })
          .execute();
        await tx.insertInto("crm_connections").values(connectionToRow(connection)).execute();
      }),
    async get(tenantId, id) {
      const row = await live().where("c.tenant_id", "=", tenantId).where("c.id", "=", id).executeTakeFirst();
      return row ? connectionFromRow(row) : null;
    },
    async getById(id) {
      const row = await db.selectFrom("crm_connections").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? connectionFromRow(row) : null;
    },
    async list(tenantId, options) {
      let q = live().where("c.tenant_id", "=", tenantId);
      if (options.cursor) q = q.where("c.id", "<", options.cursor);
      const rows = await q
        .orderBy("c.id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(connectionFromRow), options.limit);
    },
    async update(id, patch, now) {
      const set: Partial<CrmConnectionTable> = { updated_at: now };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
      if (patch.mappings !== undefined) set.mappings = JSON.stringify(patch.mappings);
      if (patch.schema !== undefined)
        set.crm_schema = patch.schema === null ? null : JSON.stringify(patch.schema);
      if (patch.schema_loaded_at !== undefined) set.schema_loaded_at = patch.schema_loaded_at;
      if (patch.schema_error !== undefined) set.schema_error = patch.schema_error;
      if (patch.consecutive_failures !== undefined) set.consecutive_failures = patch.consecutive_failures;
      if (patch.last_sync_at !== undefined) set.last_sync_at = patch.last_sync_at;
      await db.updateTable("crm_connections").set(set).where("id", "=", id).execute();
      const row = await db.selectFrom("crm_connections").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? connectionFromRow(row) : null;
    },

    async getLink(connectionId, object, platformId) {
      const row = await db
        .selectFrom("crm_links")
        .selectAll()
        .where("connection_id", "=", connectionId)
        .where("object", "=", object)
        .where("platform_id", "=", platformId)
        .executeTakeFirst();
      return row ? linkFromRow(row) : null;
    },
    async getLinkByCrmId(connectionId, object, crmId) {
      const row = await db
        .selectFrom("crm_links")
        .selectAll()
        .where("connection_id", "=", connectionId)
        .where("object", "=", object)
        .where("crm_id", "=", crmId)
        .executeTakeFirst();
      return row ? linkFromRow(row) : null;
    },
    saveLink: (link) =>
      db.transaction().execute(async (tx) => {
        await tx
          .deleteFrom("crm_links")
          .where("connection_id", "=", link.connection_id)
          .where("object", "=", link.object)
          .where((eb) => eb.or([eb("platform_id", "=", link.platform_id), eb("crm_id", "=", link.crm_id)]))
          .execute();
        await tx.insertInto("crm_links").values(link).execute();
      }),
    async listLinks(connectionId, options) {
      let q = db.selectFrom("crm_links").selectAll().where("connection_id", "=", connectionId);
      if (options.object) q = q.where("object", "=", options.object);
      if (options.cursor) q = q.where("platform_id", ">", options.cursor);
      const rows = await q
        .orderBy("platform_id")
        .limit(options.limit + 1)
        .execute();
      const more = rows.length > options.limit;
      const data = (more ? rows.slice(0, options.limit) : rows).map(linkFromRow);
      return { data, next_cursor: more ? (data[data.length - 1]?.platform_id ?? null) : null };
    },
    async countLinks(connectionId) {
      const row = await db
        .selectFrom("crm_links")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .where("connection_id", "=", connectionId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async getCheckpoint(connectionId, object) {
      const row = await db
        .selectFrom("crm_checkpoints")
        .select(["since", "cursor"])
        .where("connection_id", "=", connectionId)
        .where("object", "=", object)
        .executeTakeFirst();
      return row ?? null;
    },
    async saveCheckpoint(connectionId, object, checkpoint, now) {
      await db
        .insertInto("crm_checkpoints")
        .values({ connection_id: connectionId, object, ...checkpoint, updated_at: now })
        .onConflict((oc) =>
          oc.columns(["connection_id", "object"]).doUpdateSet({ ...checkpoint, updated_at: now }),
        )
        .execute();
    },

    async acquireSyncLease(connectionId, owner, now, until) {
      // One statement, so two nodes racing for a free or expired lease cannot both win: the
      // conflicting insert updates only when the lease is expired or already ours.
      const taken = await db
        .insertInto("crm_sync_leases")
        .values({ connection_id: connectionId, owner, expires_at: until })
        .onConflict((oc) =>
          oc
            .column("connection_id")
            .doUpdateSet({ owner, expires_at: until })
            .where((eb) =>
              eb.or([eb("crm_sync_leases.expires_at", "<=", now), eb("crm_sync_leases.owner", "=", owner)]),
            ),
        )
        .returning("owner")
        .executeTakeFirst();
      return taken?.owner === owner;
    },
    async releaseSyncLease(connectionId, owner) {
      await db
        .deleteFrom("crm_sync_leases")
        .where("connection_id", "=", connectionId)
        .where("owner", "=", owner)
        .execute();
    },

    async createRun(run) {
      await db.insertInto("crm_runs").values(runToRow(run)).execute();
    },
    async saveRun(run) {
      const { id, ...rest } = runToRow(run);
      await db.updateTable("crm_runs").set(rest).where("id", "=", id).execute();
    },
    async getRun(connectionId, id) {
      const row = await db
        .selectFrom("crm_runs")
        .selectAll()
        .where("connection_id", "=", connectionId)
        .where("id", "=", id)
        .executeTakeFirst();
      return row ? runFromRow(row) : null;
    },
    async listRuns(connectionId, options) {
      let q = db.selectFrom("crm_runs").selectAll().where("connection_id", "=", connectionId);
      if (options.cursor) q = q.where("id", "<", options.cursor);
      const rows = await q
        .orderBy("id", "desc")
        .limit(options.limit + 1)
        .execute();
      return page(rows.map(runFromRow), options.limit);
    },
  };
}

function connectionToRow(c: CrmConnectionRecord): CrmConnectionTable {
  return {
    id: c.id,
    tenant_id: c.tenant_id,
    provider: c.provider,
    name: c.name,
    settings: JSON.stringify(c.settings),
    mappings: JSON.stringify(c.mappings),
    crm_schema: c.schema === null ? null : JSON.stringify(c.schema),
    schema_loaded_at: c.schema_loaded_at,
    schema_error: c.schema_error,
    consecutive_failures: c.consecutive_failures,
    last_sync_at: c.last_sync_at,
    created_at: c.created_at,
    updated_at: c.updated_at,
  };
}

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

function connectionFromRow(row: Selectable<CrmConnectionTable>): CrmConnectionRecord {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    provider: row.provider,
    name: row.name,
    settings: JSON.parse(row.settings),
    mappings: JSON.parse(row.mappings),
    schema: row.crm_schema === null ? null : JSON.parse(row.crm_schema),
    schema_loaded_at: num(row.schema_loaded_at),
    schema_error: row.schema_error,
    consecutive_failures: Number(row.consecutive_failures),
    last_sync_at: num(row.last_sync_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  };
}

function linkFromRow(row: Selectable<CrmLinkTable>): CrmLink {
  return {
    connection_id: row.connection_id,
    object: row.object === "client" ? "client" : "case",
    platform_id: row.platform_id,
    crm_id: row.crm_id,
    platform_hash: row.platform_hash,
    crm_hash: row.crm_hash,
    synced_at: Number(row.synced_at),
  };
}

function runToRow(run: CrmRun): CrmRunTable {
  return {
    id: run.id,
    tenant_id: run.tenant_id,
    connection_id: run.connection_id,
    mode: run.mode,
    status: run.status,
    started_at: run.started_at,
    finished_at: run.finished_at,
    pulled: run.pulled,
    pushed: run.pushed,
    conflicts: run.conflicts,
    total: run.total,
    errors: JSON.stringify(run.errors),
    conflict_list: JSON.stringify(run.conflict_list),
  };
}

function runFromRow(row: Selectable<CrmRunTable>): CrmRun {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    connection_id: row.connection_id,
    mode: row.mode as CrmRunMode,
    status: row.status as CrmRunStatus,
    started_at: Number(row.started_at),
    finished_at: num(row.finished_at),
    pulled: Number(row.pulled),
    pushed: Number(row.pushed),
    conflicts: Number(row.conflicts),
    total: num(row.total),
    errors: JSON.parse(row.errors),
    conflict_list: JSON.parse(row.conflict_list),
  };
}
