import { Type } from "@sinclair/typebox";
import { connectionState } from "../domain/crm/decide.js";
import { type CrmMappings, staleMappings } from "../domain/crm/mappings.js";
import { invalid, notFound } from "../domain/errors.js";
import { iso } from "../domain/time.js";
import type { CrmExchange, CrmObject } from "../integrations/crm/connector.js";
import type { CrmOAuthState, LoadedConnection } from "../integrations/crm/sync/connections.js";
import { newRun } from "../integrations/crm/sync/index.js";
import { enqueueSync } from "../integrations/crm/sync/jobs.js";
import { presentLink, presentRun } from "../integrations/crm/sync/present.js";
import { platformWrite, pushRecord } from "../integrations/crm/sync/push.js";
import { loadSchema, schemaOf } from "../integrations/crm/sync/schema.js";
import {
  LinkSchema,
  MappingsBodySchema,
  RunSchema,
  StatusSchema,
} from "../integrations/crm/sync/schema-api.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { crmRefused } from "./crm.js";
import { Id, ListOf, PageQuery } from "./schemas.js";

const Params = Type.Object({ id: Id("crm") });
const DAY_MS = 86_400_000;
/** Deliveries counted at most for `pending` and `errors` (the status answers quickly). */
const COUNT_CAP = 1_000;

const RecordRef = Type.Object(
  {
    object: Type.Union([Type.Literal("client"), Type.Literal("case")]),
    id: Type.String({ pattern: "^(cli|cas)_[0-9A-Za-z]{1,64}$", maxLength: 80 }),
  },
  { additionalProperties: false },
);

const ExchangeSchema = Type.Object({
  request: Type.Object({
    method: Type.String(),
    url: Type.String(),
    headers: Type.Record(Type.String(), Type.String()),
    body: Type.Union([Type.String(), Type.Null()]),
  }),
  response: Type.Union([
    Type.Object({
      status: Type.Integer(),
      headers: Type.Record(Type.String(), Type.String()),
      body: Type.String(),
    }),
    Type.Null(),
  ]),
  error: Type.Union([Type.String(), Type.Null()]),
  duration_ms: Type.Number(),
});

const Nullable = (schema: ReturnType<typeof Type.String>) => Type.Union([schema, Type.Null()]);

const PreviewSchema = Type.Object({
  operation: Type.Union([Type.Literal("create"), Type.Literal("update")]),
  crm_id: Nullable(Type.String()),
  send_mappings: Type.Boolean(),
  write: Type.Object({
    object: Type.String(),
    /** CRM field id → value, as the push would send them. */
    fields: Type.Record(Type.String(), Type.Unknown()),
    case_type: Nullable(Type.String()),
    status: Nullable(Type.String()),
    substatus: Nullable(Type.String()),
    external_id: Nullable(Type.String()),
  }),
});

const presentExchange = (e: CrmExchange) => ({
  request: e.request,
  response: e.response,
  error: e.error,
  duration_ms: e.durationMs,
});

/** Fields, mappings, sync runs, status, links, preview and test sends of a CRM connection. */
export async function crmSyncRoutes(app: App, ctx: ApiContext): Promise<void> {
  const { crm } = ctx;
  const load = async (tenantId: string, id: string): Promise<LoadedConnection> => {
    const loaded = await crm.connectors.load(tenantId, id);
    if (!loaded) throw notFound("CRM connection");
    return loaded;
  };
  const fieldsAnswer = (loaded: LoadedConnection) => {
    const { connection } = loaded;
    return {
      loaded_at: iso(connection.schema_loaded_at),
      error: connection.schema_error,
      fields: connection.schema?.fields ?? [],
      case_types: connection.schema?.caseTypes ?? [],
      statuses: connection.schema?.statuses ?? [],
      stale: connection.schema
        ? staleMappings(connection.mappings, connection.schema, loaded.provider.capabilities)
        : [],
    };
  };
  const FieldsSchema = Type.Object({
    loaded_at: Type.Union([Type.String(), Type.Null()]),
    /** The CRM's answer when the last load failed. */
    error: Type.Union([Type.String(), Type.Null()]),
    fields: Type.Array(Type.Unknown()),
    case_types: Type.Array(Type.Unknown()),
    statuses: Type.Array(Type.Unknown()),
    /** Saved mappings whose CRM field, status or case type is gone (kept, not dropped). */
    stale: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() })),
  });

  app.get(
    "/v1/crm/connections/:id/fields",
    {
      schema: {
        tags: ["crm"],
        summary: "The CRM's fields, case types and statuses as loaded (loaded now the first time)",
        params: Params,
        response: { 200: FieldsSchema },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      if (!loaded.connection.schema) {
        const connector = crm.connectors.connect(loaded);
        try {
          await loadSchema(ctx.store, loaded, connector);
        } catch (error) {
          throw crmRefused(loaded.provider, error);
        } finally {
          await connector.close?.();
        }
      }
      return fieldsAnswer(loaded);
    },
  );

  app.post(
    "/v1/crm/connections/:id/fields/refresh",
    {
      schema: {
        tags: ["crm"],
        summary: "Reload the CRM's fields; saved mappings are kept and the stale ones reported",
        params: Params,
        response: { 200: FieldsSchema },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const connector = crm.connectors.connect(loaded);
      try {
        await loadSchema(ctx.store, loaded, connector);
      } catch (error) {
        throw crmRefused(loaded.provider, error);
      } finally {
        await connector.close?.();
      }
      return fieldsAnswer(loaded);
    },
  );

  app.get(
    "/v1/crm/connections/:id/mappings",
    {
      schema: {
        tags: ["crm"],
        summary: "The connection's mappings",
        params: Params,
        response: { 200: MappingsBodySchema },
      },
    },
    async (request) => (await load(tenantOf(request), request.params.id)).connection.mappings,
  );

  app.put(
    "/v1/crm/connections/:id/mappings",
    {
      schema: {
        tags: ["crm"],
        summary: "Replace the mappings (each must name a field, status and case type the CRM has)",
        params: Params,
        body: MappingsBodySchema,
        response: { 200: MappingsBodySchema },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const mappings: CrmMappings = request.body;
      const connector = crm.connectors.connect(loaded);
      let schema: Awaited<ReturnType<typeof schemaOf>>;
      try {
        schema = await schemaOf(ctx.store, loaded, connector);
      } catch (error) {
        throw crmRefused(loaded.provider, error);
      } finally {
        await connector.close?.();
      }
      const stale = staleMappings(mappings, schema, loaded.provider.capabilities);
      const first = stale[0];
      if (first) {
        throw invalid(`/body${first.path}`, first.reason, {
          stale: stale.map((s) => ({ ...s, path: `/body${s.path}` })),
        });
      }
      const updated = await ctx.store.crm.update(loaded.connection.id, { mappings }, Date.now());
      // The first field mappings start the initial sync the connection asked for.
      if (updated && loaded.connection.mappings.fields.length === 0 && mappings.fields.length > 0) {
        const runs = await ctx.store.crm.listRuns(updated.id, { limit: 200 });
        await crm.scheduleFor(updated, { initial: !runs.data.some((r) => r.mode === "initial") });
      }
      return mappings;
    },
  );

  app.post(
    "/v1/crm/connections/:id/sync",
    {
      schema: {
        tags: ["crm"],
        summary: "Sync now: read the CRM's changes (incremental) or every linked record again (full)",
        params: Params,
        body: Type.Object(
          { mode: Type.Optional(Type.Union([Type.Literal("incremental"), Type.Literal("full")])) },
          { additionalProperties: false },
        ),
        response: { 202: RunSchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const loaded = await load(tenantId, request.params.id);
      const mode = request.body.mode ?? "incremental";
      const now = Date.now();
      const run = newRun(loaded.connection, mode, now);
      await ctx.store.crm.createRun(run);
      await enqueueSync(ctx.store.jobs, tenantId, loaded.connection.id, mode, run.id, now);
      reply.status(202);
      return presentRun(run);
    },
  );

  app.get(
    "/v1/crm/connections/:id/runs",
    {
      schema: {
        tags: ["crm"],
        summary: "Sync runs, newest first: counts, errors with the CRM's answer, conflicts",
        params: Params,
        querystring: Type.Object(PageQuery),
        response: { 200: ListOf(RunSchema) },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const runs = await ctx.store.crm.listRuns(loaded.connection.id, {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      });
      return { data: runs.data.map(presentRun), next_cursor: runs.next_cursor };
    },
  );

  app.get(
    "/v1/crm/connections/:id/status",
    {
      schema: {
        tags: ["crm"],
        summary: "Sync state at a glance",
        params: Params,
        response: { 200: StatusSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const loaded = await load(tenantId, request.params.id);
      const { connection } = loaded;
      const now = Date.now();
      const [records, pending, failed, runs] = await Promise.all([
        ctx.store.crm.countLinks(connection.id),
        countDeliveries(ctx, tenantId, connection.id, "pending", 0),
        countDeliveries(ctx, tenantId, connection.id, "failed", now - DAY_MS),
        ctx.store.crm.listRuns(connection.id, { limit: 20 }),
      ]);
      const running = runs.data.some((r) => r.status === "running");
      const runErrors = runs.data.flatMap((r) => r.errors).filter((e) => e.at >= now - DAY_MS).length;
      return {
        state: connectionState({
          enabled: connection.settings.enabled,
          running,
          consecutiveFailures: connection.consecutive_failures,
          authRefused: loaded.config.oauth?.status === "refused",
        }),
        last_sync_at: iso(connection.last_sync_at),
        records_synced: records,
        pending,
        errors: failed + runErrors,
        consecutive_failures: connection.consecutive_failures,
        message: oauthMessage(loaded.config.oauth, loaded.provider.label),
      };
    },
  );

  app.get(
    "/v1/crm/connections/:id/links",
    {
      schema: {
        tags: ["crm"],
        summary: "Platform record ↔ CRM record pairs with each side's last synced hash",
        params: Params,
        querystring: Type.Object({
          ...PageQuery,
          object: Type.Optional(Type.Union([Type.Literal("client"), Type.Literal("case")])),
        }),
        response: { 200: ListOf(LinkSchema) },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const links = await ctx.store.crm.listLinks(loaded.connection.id, {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
        ...(request.query.object ? { object: request.query.object } : {}),
      });
      return { data: links.data.map(presentLink), next_cursor: links.next_cursor };
    },
  );

  app.post(
    "/v1/crm/connections/:id/preview",
    {
      schema: {
        tags: ["crm"],
        summary: "Dry run: what a push of this record would write to the CRM, sending nothing",
        params: Params,
        body: RecordRef,
        response: { 200: PreviewSchema },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const object = request.body.object as CrmObject;
      const connector = crm.connectors.connect(loaded);
      let schema: Awaited<ReturnType<typeof schemaOf>>;
      try {
        schema = await schemaOf(ctx.store, loaded, connector);
      } catch (error) {
        throw crmRefused(loaded.provider, error);
      } finally {
        await connector.close?.();
      }
      const pushed = pushedObject(loaded, object);
      const current = await platformWrite(ctx.store, loaded.connection, schema, pushed, request.body.id);
      if (!current) throw notFound(object);
      const link = await ctx.store.crm.getLink(loaded.connection.id, pushed, request.body.id);
      return {
        operation: link ? ("update" as const) : ("create" as const),
        crm_id: link?.crm_id ?? null,
        send_mappings: loaded.connection.mappings.send_mappings,
        write: {
          object: current.write.object,
          fields: current.write.fields,
          case_type: current.write.caseType ?? null,
          status: current.write.status ?? null,
          substatus: current.write.substatus ?? null,
          external_id: current.write.externalId ?? null,
        },
      };
    },
  );

  app.post(
    "/v1/crm/connections/:id/test-send",
    {
      schema: {
        tags: ["crm"],
        summary: "Push this record to the CRM now and answer with every exchange (a real write)",
        params: Params,
        body: RecordRef,
        response: {
          200: Type.Object({
            action: Type.String(),
            crm_id: Type.Union([Type.String(), Type.Null()]),
            reason: Type.Union([Type.String(), Type.Null()]),
            exchanges: Type.Array(ExchangeSchema),
          }),
        },
      },
    },
    async (request) => {
      const loaded = await load(tenantOf(request), request.params.id);
      const exchanges: CrmExchange[] = [];
      const connector = crm.connectors.connect(loaded, (e) => exchanges.push(e));
      try {
        const schema = await schemaOf(ctx.store, loaded, connector);
        const outcome = await pushRecord(ctx.store, connector, loaded.connection, schema, {
          object: pushedObject(loaded, request.body.object),
          platformId: request.body.id,
          force: true,
        });
        return {
          action: outcome.action,
          crm_id: outcome.crmId,
          reason: outcome.reason,
          exchanges: exchanges.map(presentExchange),
        };
      } catch (error) {
        const refused = crmRefused(loaded.provider, error);
        throw Object.assign(refused, {
          details: { ...(refused.details ?? {}), exchanges: exchanges.map(presentExchange) },
        });
      } finally {
        await connector.close?.();
      }
    },
  );
}

/** A client on a CRM that keeps no clients cannot be pushed on its own: its cases carry it. */
function pushedObject(loaded: LoadedConnection, object: CrmObject): CrmObject {
  if (!loaded.provider.capabilities.objects.includes(object)) {
    throw invalid(
      "/body/object",
      `${loaded.provider.label} keeps no ${object} records; push one of its cases`,
    );
  }
  return object;
}

/** Deliveries of the connection in one state (updated since `since`), up to COUNT_CAP. */
async function countDeliveries(
  ctx: ApiContext,
  tenantId: string,
  webhookId: string,
  status: "pending" | "failed",
  since: number,
): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await ctx.store.deliveries.list(tenantId, { webhookId, status, limit: 200, cursor });
    for (const d of page.data) if (d.updated_at >= since) count++;
    const oldest = page.data.at(-1);
    if (!page.next_cursor || count >= COUNT_CAP || (oldest && oldest.created_at < since)) break;
    cursor = page.next_cursor;
  }
  return Math.min(count, COUNT_CAP);
}

/** The status route's word on an OAuth connection that is not (or no longer) authorized. */
function oauthMessage(oauth: CrmOAuthState | undefined, label: string): string | null {
  if (oauth?.status === "refused") return oauth.message ?? `${label} refused the authorization: reconnect`;
  if (oauth?.status === "awaiting_authorization")
    return `waiting for someone to connect the ${label} account`;
  return null;
}
