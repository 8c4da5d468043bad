import { Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { iso } from "../domain/time.js";
import type { DeliveryRecord, EventRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { presentDelivery } from "./deliveries.js";
import { HttpError } from "./errors.js";
import { Id, PageQuery, parseTime } from "./schemas.js";

const EventInputSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 100 }),
    data: Type.Record(Type.String({ maxLength: 200 }), Type.Unknown()),
    campaign_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    case_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    occurred_at: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

const MAX_BATCH = 500;
/** The largest event, in bytes of JSON, whether sent alone or inside a batch. */
export const MAX_EVENT_BYTES = 256 * 1024;

/** A batch may not smuggle in an event that would be refused alone: 413 naming its index. */
function checkEventSizes(events: unknown[]): void {
  events.forEach((event, i) => {
    const bytes = Buffer.byteLength(JSON.stringify(event));
    if (bytes > MAX_EVENT_BYTES) {
      throw new HttpError(
        413,
        "payload_too_large",
        `/body/events/${i} is ${bytes} bytes; one event may be at most ${MAX_EVENT_BYTES} bytes`,
        { path: `/body/events/${i}`, limit_bytes: MAX_EVENT_BYTES },
      );
    }
  });
}

export function presentEvent(event: EventRecord): Record<string, unknown> {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    campaign_id: event.campaign_id,
    case_type: event.case_type,
    idempotency_key: event.idempotency_key,
    occurred_at: iso(event.occurred_at),
    created_at: iso(event.created_at),
  };
}

/** Values endpoints appended to this event (`{"append": "…"}` answers), by webhook. */
function appendedOf(deliveries: DeliveryRecord[]): Array<{ webhook_id: string; value: string }> {
  return deliveries.flatMap((d) =>
    d.appended === null ? [] : [{ webhook_id: d.webhook_id, value: d.appended }],
  );
}

export async function eventRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.post(
    "/v1/events",
    {
      bodyLimit: MAX_EVENT_BYTES,
      schema: {
        tags: ["events"],
        summary: "Send an event; it fans out to matching webhooks",
        body: EventInputSchema,
      },
    },
    async (request, reply) => {
      const [result] = await ctx.ingest.ingest(tenantOf(request), [request.body], () => "/body");
      reply.status(202);
      return result;
    },
  );

  app.post(
    "/v1/events/batch",
    {
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ["events"],
        summary: `Send up to ${MAX_BATCH} events in one transaction (all or nothing)`,
        body: Type.Object(
          { events: Type.Array(EventInputSchema, { minItems: 1, maxItems: MAX_BATCH }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      checkEventSizes(request.body.events);
      const data = await ctx.ingest.ingest(
        tenantOf(request),
        request.body.events,
        (i) => `/body/events/${i}`,
      );
      reply.status(202);
      return { data };
    },
  );

  app.get(
    "/v1/events",
    {
      schema: {
        tags: ["events"],
        summary: "List events, newest first",
        querystring: Type.Object({
          ...PageQuery,
          type: Type.Optional(Type.String({ maxLength: 100 })),
          since: Type.Optional(Type.String({ maxLength: 64 })),
          until: Type.Optional(Type.String({ maxLength: 64 })),
        }),
      },
    },
    async (request) => {
      const since = parseTime(request.query.since);
      const until = parseTime(request.query.until);
      if (Number.isNaN(since)) throw invalid("/querystring/since", "not an ISO-8601 timestamp");
      if (Number.isNaN(until)) throw invalid("/querystring/until", "not an ISO-8601 timestamp");
      const result = await ctx.store.events.list(tenantOf(request), {
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
        type: request.query.type,
        since,
        until,
      });
      return { data: result.data.map(presentEvent), next_cursor: result.next_cursor };
    },
  );

  app.get(
    "/v1/events/:id",
    {
      schema: {
        tags: ["events"],
        summary: "Get an event with its deliveries",
        params: Type.Object({ id: Id("evt") }),
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const event = await ctx.store.events.get(tenantId, request.params.id);
      if (!event) throw notFound("event");
      const deliveries = await ctx.store.deliveries.listForEvent(tenantId, event.id);
      const now = Date.now();
      return {
        ...presentEvent(event),
        deliveries: deliveries.map((d) => presentDelivery(d, now)),
        appended: appendedOf(deliveries),
      };
    },
  );
}
