import { type Static, Type } from "@sinclair/typebox";
import { toUsd } from "../domain/enrichment/prices.js";
import {
  EnrichmentSettingsInputSchema,
  EnrichmentSettingsSchema,
  PriceTableSchema,
} from "../domain/enrichment/settings.js";
import { notFound } from "../domain/errors.js";
import { iso } from "../domain/time.js";
import type { RunRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { ErrorResponse, Id, PageQuery, parseTime } from "./schemas.js";

const DataKindSchema = Type.Union([
  Type.Literal("phone"),
  Type.Literal("email"),
  Type.Literal("address"),
  Type.Literal("demographics"),
]);
const RunStatusSchema = Type.Union(
  ["queued", "running", "found", "not_found", "failed", "skipped_budget", "cached"].map((s) =>
    Type.Literal(s),
  ),
);
const TriggerSchema = Type.Union(["call", "sms", "import", "manual"].map((s) => Type.Literal(s)));

const ProviderSchema = Type.Object({
  name: Type.String(),
  label: Type.String(),
  enabled: Type.Boolean(),
  priority: Type.Integer({ description: "Lower is asked first in the waterfall." }),
  configured: Type.Boolean({
    description: "Credentials are stored (never returned; `credentials` shows them masked).",
  }),
  credentials: Type.Record(Type.String(), Type.String()),
  credential_fields: Type.Array(Type.String()),
  base_url: Type.String(),
  capabilities: Type.Object({
    accepts: Type.Array(Type.Array(Type.String())),
    gives: Type.Array(Type.String()),
  }),
  price: PriceTableSchema,
});

const ProviderBody = Type.Object(
  {
    credentials: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }))),
    enabled: Type.Optional(Type.Boolean()),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
    base_url: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    price: Type.Optional(Type.Union([PriceTableSchema, Type.Null()])),
  },
  { additionalProperties: false },
);

const RunSchema = Type.Object({
  id: Type.String(),
  client_id: Type.String(),
  trigger: Type.String(),
  status: RunStatusSchema,
  provider: Type.Union([Type.String(), Type.Null()]),
  wanted: Type.Array(Type.String()),
  fields_found: Type.Array(Type.String()),
  fields_written: Type.Array(Type.String()),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  cost: Type.Number({ description: "USD." }),
  error: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: "date-time" }),
  finished_at: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const SpendSchema = Type.Object({
  month: Type.String({ description: "The tenant's calendar month, YYYY-MM." }),
  by_provider: Type.Record(Type.String(), Type.Number()),
  total: Type.Number(),
  monthly_budget: Type.Union([Type.Number(), Type.Null()]),
});

export function presentRun(run: RunRecord): Static<typeof RunSchema> {
  return {
    id: run.id,
    client_id: run.client_id,
    trigger: run.trigger,
    status: run.status,
    provider: run.provider,
    wanted: run.wanted,
    fields_found: run.fields_found,
    fields_written: run.fields_written,
    data: run.data as Record<string, unknown> | null,
    cost: toUsd(run.cost_micros),
    error: run.error,
    created_at: iso(run.created_at) ?? "",
    finished_at: iso(run.finished_at),
  };
}

/** Enrichment: providers, settings, manual runs, the history with cost and each client's provenance. */
export async function enrichmentRoutes(app: App, ctx: ApiContext): Promise<void> {
  const enrichment = ctx.enrichment;

  app.get(
    "/v1/enrichment/providers",
    {
      schema: {
        tags: ["enrichment"],
        summary: "The enrichment providers with the tenant's credentials (masked), priority and prices",
        response: { 200: Type.Object({ data: Type.Array(ProviderSchema) }) },
      },
    },
    async (request) => ({ data: await enrichment.providers(tenantOf(request)) }),
  );

  app.put(
    "/v1/enrichment/providers/:name",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Set a provider's credentials (encrypted), enabled, priority, base_url or prices",
        params: Type.Object({ name: Type.String({ maxLength: 40 }) }),
        body: ProviderBody,
        response: { 200: ProviderSchema, 422: ErrorResponse },
      },
    },
    async (request) => enrichment.putProvider(tenantOf(request), request.params.name, request.body),
  );

  app.get(
    "/v1/enrichment/settings",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Triggers, data kinds, write rule, budget",
        response: { 200: EnrichmentSettingsSchema },
      },
    },
    async (request) => enrichment.settings(tenantOf(request)),
  );

  app.put(
    "/v1/enrichment/settings",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Change enrichment settings (the keys given; the others stay)",
        body: EnrichmentSettingsInputSchema,
        response: { 200: EnrichmentSettingsSchema, 422: ErrorResponse },
      },
    },
    async (request) => enrichment.putSettings(tenantOf(request), request.body),
  );

  app.post(
    "/v1/clients/:id/enrich",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Enrich a client now (manual trigger): 202 with the queued run",
        params: Type.Object({ id: Id("cli") }),
        body: Type.Optional(
          Type.Object(
            { data: Type.Optional(Type.Array(DataKindSchema, { uniqueItems: true, maxItems: 4 })) },
            { additionalProperties: false },
          ),
        ),
        response: { 202: RunSchema, 404: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (request, reply) => {
      const run = await enrichment.enrichNow(tenantOf(request), request.params.id, request.body?.data);
      return reply.status(202).send(presentRun(run));
    },
  );

  app.get(
    "/v1/enrichment/runs",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Enrichment history, newest first, with this month's spend by provider",
        querystring: Type.Object({
          ...PageQuery,
          client_id: Type.Optional(Id("cli")),
          trigger: Type.Optional(TriggerSchema),
          status: Type.Optional(RunStatusSchema),
          since: Type.Optional(Type.String({ format: "date-time" })),
          until: Type.Optional(Type.String({ format: "date-time" })),
        }),
        response: {
          200: Type.Object({
            data: Type.Array(RunSchema),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
            totals: SpendSchema,
          }),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const q = request.query;
      const page = await enrichment.runs(
        tenantId,
        {
          client_id: q.client_id,
          trigger: q.trigger,
          status: q.status,
          since: parseTime(q.since),
          until: parseTime(q.until),
        },
        { cursor: q.cursor, limit: q.limit ?? 50 },
      );
      return {
        data: page.data.map(presentRun),
        next_cursor: page.next_cursor,
        totals: await enrichment.spend(tenantId),
      };
    },
  );

  app.get(
    "/v1/enrichment/runs/:id",
    {
      schema: {
        tags: ["enrichment"],
        summary: "One run with its attempt log (credentials redacted)",
        params: Type.Object({ id: Id("enr") }),
        response: {
          200: Type.Intersect([
            RunSchema,
            Type.Object({
              attempts: Type.Array(
                Type.Object({
                  provider: Type.String(),
                  request: Type.Object({
                    method: Type.String(),
                    url: Type.String(),
                    headers: Type.Record(Type.String(), Type.String()),
                  }),
                  status: Type.Union([Type.Integer(), Type.Null()]),
                  error: Type.Union([Type.String(), Type.Null()]),
                  duration_ms: Type.Integer(),
                  created_at: Type.String(),
                }),
              ),
            }),
          ]),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const run = await enrichment.run(tenantId, request.params.id);
      const attempts = await ctx.store.enrichment.attempts(tenantId, run.id);
      return {
        ...presentRun(run),
        attempts: attempts.map((a) => ({
          provider: a.provider,
          request: a.request,
          status: a.status,
          error: a.error,
          duration_ms: a.duration_ms,
          created_at: iso(a.created_at) ?? "",
        })),
      };
    },
  );

  app.get(
    "/v1/clients/:id/enrichment",
    {
      schema: {
        tags: ["enrichment"],
        summary: "Which client fields enrichment wrote (provider, run, confidence) and the client's runs",
        params: Type.Object({ id: Id("cli") }),
        response: {
          200: Type.Object({
            provenance: Type.Record(
              Type.String(),
              Type.Object({
                provider: Type.String(),
                run_id: Type.String(),
                confidence: Type.Number(),
                written_at: Type.String(),
              }),
            ),
            runs: Type.Array(RunSchema),
          }),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const client = await ctx.store.clients.get(tenantId, request.params.id);
      if (!client) throw notFound("client");
      const rows = await ctx.store.enrichment.provenance(tenantId, client.id);
      const runs = await enrichment.runs(tenantId, { client_id: client.id }, { limit: 50 });
      return {
        provenance: Object.fromEntries(
          rows.map((r) => [
            r.field,
            {
              provider: r.provider,
              run_id: r.run_id,
              confidence: r.confidence,
              written_at: iso(r.written_at) ?? "",
            },
          ]),
        ),
        runs: runs.data.map(presentRun),
      };
    },
  );
}
