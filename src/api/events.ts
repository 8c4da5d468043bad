import { type Static, Type } from "@sinclair/typebox";
import { invalid, notFound } from "../domain/errors.js";
import { iso } from "../domain/time.js";
import type { DeliveryRecord, EventRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { presentDelivery } from "./deliveries.js";
import { HttpError } from "./errors.js";
import { eventTypesOf } from "./event-filter.js";
import { EventAcceptedSchema, EventDetailSchema, EventSchema } from "./responses.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

const EventInputSchema = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 100 }),
    data: Type.Record(Type.String({ maxLength: 200 }), Type.Unknown()),
    campaign_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    case_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    idempotency_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    occurred_at: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        type: "call.ended",
        data: {
          call_id: "call_7Hq2mX9kT4",
          direction: "inbound",
          from_number: "+13125550187",
          duration: 312,
          answered: true,
        },
        campaign_id: "cmp_auto_accidents",
        idempotency_key: "call_7Hq2mX9kT4:ended",
      },
    ],
  },
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

/** The header Stripe- and Svix-style clients send; the same meaning as the body's `idempotency_key`. */
const IDEMPOTENCY_HEADER = "idempotency-key";
const IDEMPOTENCY_HEADER_PATH = "/headers/idempotency-key";

/**
 * The event with its `Idempotency-Key` header applied: the header alone sets `idempotency_key`;
 * header and body field together must agree (two different keys for one request is a mistake
 * that would make a retry create a duplicate, so it is refused with 422).
 */
export function withIdempotencyHeader<T extends { idempotency_key?: string }>(
  input: T,
  header: string | string[] | undefined,
): T {
  if (header === undefined) return input;
  const key = Array.isArray(header) ? header.join(", ") : header;
  if (key.length === 0 || key.length > 255) {
    throw invalid(IDEMPOTENCY_HEADER_PATH, "must be 1 to 255 characters");
  }
  if (input.idempotency_key !== undefined && input.idempotency_key !== key) {
    throw invalid(
      IDEMPOTENCY_HEADER_PATH,
      "differs from the body's idempotency_key; send one of them, or the same value in both",
    );
  }
  return { ...input, idempotency_key: key };
}

export function presentEvent(event: EventRecord): Static<typeof EventSchema> {
  return {
    id: event.id,
    type: event.type,
    data: event.data,
    campaign_id: event.campaign_id,
    case_type: event.case_type,
    idempotency_key: event.idempotency_key,
    occurred_at: iso(event.occurred_at),
    created_at: iso(event.created_at),
    test: event.test ?? false,
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
        response: { 202: EventAcceptedSchema },
      },
    },
    async (request, reply) => {
      const input = withIdempotencyHeader(request.body, request.headers[IDEMPOTENCY_HEADER]);
      const [result] = await ctx.ingest.ingest(tenantOf(request), [input], () => "/body");
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
        response: {
          202: Type.Object({ data: Type.Array(EventAcceptedSchema) }, { title: "EventBatchAccepted" }),
        },
      },
    },
    async (request, reply) => {
      // One key cannot name many events; each event of a batch carries its own idempotency_key.
      if (request.headers[IDEMPOTENCY_HEADER] !== undefined) {
        throw invalid(
          IDEMPOTENCY_HEADER_PATH,
          "is not accepted on a batch: give each event its own idempotency_key",
        );
      }
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
          type: Type.Optional(
            Type.String({
              maxLength: 100,
              description: "A type, another platform's name for one, `call.*` (a category) or `*`.",
            }),
          ),
          since: Type.Optional(Type.String({ maxLength: 64 })),
          until: Type.Optional(Type.String({ maxLength: 64 })),
          include_tests: Type.Optional(
            Type.Boolean({ description: "Also list the events of test sends (left out by default)." }),
          ),
        }),
        response: { 200: ListOf(EventSchema) },
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
        types: eventTypesOf(request.query.type, "/querystring/type"),
        since,
        until,
        includeTests: request.query.include_tests ?? false,
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
        response: { 200: EventDetailSchema },
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
