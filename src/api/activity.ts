import { Type } from "@sinclair/typebox";
import { activityPoints, activityWindow } from "../domain/delivery-activity.js";
import { toUsd } from "../domain/enrichment/prices.js";
import { spendDays } from "../domain/enrichment/spend-days.js";
import { notFound } from "../domain/errors.js";
import { iso } from "../domain/time.js";
import type { WebhookVolumeCell } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { Id } from "./schemas.js";

/** The series behind the dashboard's charts: a webhook's activity, the tenant's volumes, enrichment spend. */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const Time = Type.String({ format: "date-time" });
const Milliseconds = Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]);

const ActivityPointSchema = Type.Object(
  {
    at: Type.String({ format: "date-time", description: "The minute's start." }),
    succeeded: Type.Integer({ description: "Attempts the endpoint answered with a success." }),
    failed: Type.Integer({ description: "Attempts answered with anything else." }),
    errored: Type.Integer({ description: "Attempts with no answer: timeout, refused connection, blocked." }),
    p50_ms: { ...Milliseconds, description: "Median latency of the answered attempts; null when none." },
    p95_ms: { ...Milliseconds, description: "95th percentile latency of the answered attempts." },
  },
  { title: "ActivityPoint" },
);

const WebhookActivitySchema = Type.Object(
  {
    webhook_id: Type.String(),
    from: Time,
    until: Time,
    step_s: Type.Integer({ description: "Seconds per point (60)." }),
    points: Type.Array(ActivityPointSchema, { description: "One per minute, oldest first, zeros included." }),
  },
  { title: "WebhookActivity" },
);

const VolumePointSchema = Type.Object(
  { at: Time, attempts: Type.Integer(), failed: Type.Integer() },
  { title: "VolumePoint" },
);

const WebhookVolumeSchema = Type.Object(
  {
    webhook_id: Type.String(),
    url: Type.String(),
    description: Type.String(),
    attempts: Type.Integer({ description: "Attempts in the window, retries included." }),
    failed: Type.Integer({ description: "Attempts that did not succeed." }),
    failure_rate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], {
      description: "failed / attempts; null without attempts.",
    }),
    points: Type.Array(VolumePointSchema, { description: "One per hour, oldest first, zeros included." }),
  },
  { title: "WebhookVolume" },
);

const WebhookVolumesSchema = Type.Object(
  { from: Time, until: Time, step_s: Type.Integer(), data: Type.Array(WebhookVolumeSchema) },
  { title: "WebhookVolumes" },
);

const SpendDaySchema = Type.Object(
  {
    date: Type.String({ format: "date", description: "A calendar day in the tenant's time zone." }),
    by_provider: Type.Record(Type.String(), Type.Number(), { description: "USD per provider." }),
    total: Type.Number({ description: "USD." }),
  },
  { title: "SpendDay" },
);

const EnrichmentSpendSchema = Type.Object(
  {
    time_zone: Type.String(),
    providers: Type.Array(Type.String(), { description: "Providers with spend in the range." }),
    days: Type.Array(SpendDaySchema, { description: "Oldest first, today last, zeros included." }),
  },
  { title: "EnrichmentSpend" },
);

/** Each webhook's hourly points, every hour of the window present. */
function volumeSeries(cells: readonly WebhookVolumeCell[], from: number, until: number) {
  const byWebhook = new Map<string, Map<number, WebhookVolumeCell>>();
  for (const cell of cells) {
    const steps = byWebhook.get(cell.webhookId) ?? new Map<number, WebhookVolumeCell>();
    steps.set(cell.at, cell);
    byWebhook.set(cell.webhookId, steps);
  }
  return (webhookId: string) => {
    const steps = byWebhook.get(webhookId);
    const points: Array<{ at: string; attempts: number; failed: number }> = [];
    for (let at = from; at < until; at += HOUR_MS) {
      const cell = steps?.get(at);
      points.push({ at: iso(at), attempts: cell?.attempts ?? 0, failed: cell?.failed ?? 0 });
    }
    return points;
  };
}

export async function activityRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/webhooks/:id/activity",
    {
      schema: {
        tags: ["webhooks"],
        operationId: "getWebhookActivity",
        summary: "A webhook's attempts per minute by outcome, and its latency p50 / p95",
        description:
          "The last `hours` (default 24) up to the current minute, one point per minute. Latency percentiles come from the attempts the endpoint answered, estimated from per-minute latency buckets.",
        params: Type.Object({ id: Id("wh") }),
        querystring: Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })) }),
        response: { 200: WebhookActivitySchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const webhook = await ctx.store.targets.get(tenantId, request.params.id);
      if (webhook?.kind !== "webhook") throw notFound("webhook");
      const window = activityWindow(Date.now(), (request.query.hours ?? 24) * HOUR_MS, MINUTE_MS);
      const { from, until } = window;
      const cells = await ctx.store.stats.deliveryActivity(webhook.id, window);
      return {
        webhook_id: webhook.id,
        from: iso(from),
        until: iso(until),
        step_s: MINUTE_MS / 1000,
        points: activityPoints(cells, from, until, MINUTE_MS).map((p) => ({
          at: iso(p.at),
          succeeded: p.succeeded,
          failed: p.failed,
          errored: p.errored,
          p50_ms: p.p50Ms,
          p95_ms: p.p95Ms,
        })),
      };
    },
  );

  app.get(
    "/v1/webhooks/volumes",
    {
      schema: {
        tags: ["webhooks"],
        operationId: "listWebhookVolumes",
        summary: "Attempts and failure rate of each of the tenant's webhooks, per hour",
        description:
          "The last `hours` (default 24) up to the current hour; webhooks without an attempt in the window are left out.",
        querystring: Type.Object({ hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 })) }),
        response: { 200: WebhookVolumesSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const window = activityWindow(Date.now(), (request.query.hours ?? 24) * HOUR_MS, HOUR_MS);
      const { from, until } = window;
      const cells = await ctx.store.stats.webhookVolumes(tenantId, window);
      const ids = [...new Set(cells.map((c) => c.webhookId))];
      const webhooks = new Map((await ctx.store.targets.getByIds(ids)).map((w) => [w.id, w]));
      const pointsOf = volumeSeries(cells, from, until);
      const data = ids.flatMap((id) => {
        const webhook = webhooks.get(id);
        if (!webhook) return [];
        const points = pointsOf(id);
        const attempts = points.reduce((sum, p) => sum + p.attempts, 0);
        const failed = points.reduce((sum, p) => sum + p.failed, 0);
        return [
          {
            webhook_id: id,
            url: webhook.url,
            description: webhook.description,
            attempts,
            failed,
            failure_rate: attempts === 0 ? null : failed / attempts,
            points,
          },
        ];
      });
      data.sort((a, b) => b.attempts - a.attempts || a.webhook_id.localeCompare(b.webhook_id));
      return { from: iso(from), until: iso(until), step_s: HOUR_MS / 1000, data };
    },
  );

  app.get(
    "/v1/enrichment/spend",
    {
      schema: {
        tags: ["enrichment"],
        operationId: "getEnrichmentSpend",
        summary: "Recorded enrichment spend per day by provider",
        description:
          "The last `days` (default 30) calendar days in the tenant's time zone, today included: the recorded cost of every lookup, as the monthly budget counts it.",
        querystring: Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })) }),
        response: { 200: EnrichmentSpendSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const tenant = await ctx.store.tenants.get(tenantId);
      const timeZone = tenant?.timezone ?? "UTC";
      const days = spendDays(Date.now(), timeZone, request.query.days ?? 30);
      const cells = await ctx.store.stats.enrichmentSpend(tenantId, days);
      const providers = [...new Set(cells.map((c) => c.provider))].sort();
      return {
        time_zone: timeZone,
        providers,
        days: days.map((day) => {
          const mine = cells.filter((c) => c.date === day.date);
          const micros = mine.reduce((sum, c) => sum + c.costMicros, 0);
          return {
            date: day.date,
            by_provider: Object.fromEntries(mine.map((c) => [c.provider, toUsd(c.costMicros)])),
            total: toUsd(micros),
          };
        }),
      };
    },
  );
}
