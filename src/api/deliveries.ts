import { Type } from "@sinclair/typebox";
import { envelopeJson, withFollowUp } from "../delivery/body.js";
import { type DeliveryState, deliveryState } from "../domain/delivery-state.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus, Store } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { ApiError, invalid, notFound } from "./errors.js";
import { Id, iso, PageQuery, parseTime } from "./schemas.js";

const StatusSchema = Type.Union([
  Type.Literal("pending"),
  Type.Literal("succeeded"),
  Type.Literal("failed"),
  Type.Literal("cancelled"),
]);

/**
 * A delivery as the API shows it. `state` says what it is doing (src/domain/delivery-state.ts);
 * `next_attempt_at`, `in_flight`, `held` and `hold` are the same answer in the older fields.
 */
export function presentDelivery(d: DeliveryRecord, now: number): Record<string, unknown> {
  const state = deliveryState(d, now);
  const held = state.state === "held" ? state : null;
  return {
    id: d.id,
    event_id: d.event_id,
    webhook_id: d.webhook_id,
    status: d.status,
    state: state.state,
    attempt_count: d.attempts,
    // When it is due, held until, or (claimed) when its lease runs out.
    next_attempt_at: iso(nextAttemptAt(state)),
    in_flight: state.state === "claimed",
    // `held` predates holds for a follow-up event: it means parked behind a disabled webhook.
    held: state.state === "parked",
    first_attempt_at: iso(d.first_attempt_at),
    last_attempt_at: iso(d.last_attempt_at),
    last_status_code: d.last_status_code,
    last_error: d.last_error,
    appended: d.appended,
    held_until: held ? iso(held.until) : null,
    hold: held ? { until_event: held.eventType, call_id: held.callId, until: iso(held.until) } : null,
    merged_event_id: d.merge_event_id,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
  };
}

/** The time `next_attempt_at` has always shown: none while parked or finished. */
function nextAttemptAt(state: DeliveryState): number | null {
  switch (state.state) {
    case "due":
      return state.at;
    case "claimed":
      return state.leaseUntil;
    case "held":
      return state.until;
    default:
      return null;
  }
}

/**
 * The body a delivery sends by default: its event's envelope, merged with the follow-up event
 * that released it from a hold, exactly as the dispatcher builds it.
 */
async function envelopeOfDelivery(store: Store, d: DeliveryRecord): Promise<string | null> {
  const events = await store.getEventsByIds(d.merge_event_id ? [d.event_id, d.merge_event_id] : [d.event_id]);
  const event = events.find((e) => e.id === d.event_id);
  if (!event) return null;
  return envelopeJson(
    withFollowUp(
      event,
      events.find((e) => e.id === d.merge_event_id),
    ),
  );
}

/**
 * `envelope` is the delivery's standard JSON body, for attempts that sent it (they do not store
 * a copy); null once retention has emptied the event.
 */
export function presentAttempt(a: AttemptRecord, envelope: string | null): Record<string, unknown> {
  return {
    id: a.id,
    delivery_id: a.delivery_id,
    attempt_number: a.attempt_number,
    succeeded: a.succeeded,
    request: {
      method: a.request_method,
      url: a.request_url,
      headers: a.request_headers,
      body: a.request_body_envelope ? envelope : a.request_body,
    },
    response:
      a.response_status === null
        ? null
        : { status: a.response_status, headers: a.response_headers, body: a.response_body },
    // A transport failure has a kind; an answer that was not a success is kind "response".
    error:
      a.succeeded || a.error_message === null
        ? null
        : { kind: a.error_kind ?? "response", message: a.error_message },
    duration_ms: a.duration_ms,
    created_at: iso(a.created_at),
  };
}

/** Replays run in batches of this many rows, each its own short transaction. */
const REPLAY_BATCH = 1_000;

export async function deliveryRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/webhooks/:id/deliveries",
    {
      schema: {
        tags: ["deliveries"],
        summary: "A webhook's deliveries, newest first",
        params: Type.Object({ id: Id("wh") }),
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(StatusSchema) }),
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      if (!(await ctx.store.getWebhook(tenantId, request.params.id))) throw notFound("webhook");
      const result = await ctx.store.listDeliveries(tenantId, {
        webhookId: request.params.id,
        status: request.query.status,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 50,
      });
      const now = Date.now();
      return { data: result.data.map((d) => presentDelivery(d, now)), next_cursor: result.next_cursor };
    },
  );

  app.get(
    "/v1/deliveries/:id",
    {
      schema: {
        tags: ["deliveries"],
        summary: "A delivery with every attempt",
        params: Type.Object({ id: Id("dlv") }),
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const delivery = await ctx.store.getDelivery(tenantId, request.params.id);
      if (!delivery) throw notFound("delivery");
      const attempts = await ctx.store.listAttempts(tenantId, delivery.id);
      const envelope = attempts.some((a) => a.request_body_envelope)
        ? await envelopeOfDelivery(ctx.store, delivery)
        : null;
      return {
        ...presentDelivery(delivery, Date.now()),
        attempts: attempts.map((a) => presentAttempt(a, envelope)),
      };
    },
  );

  app.post(
    "/v1/deliveries/:id/retry",
    {
      schema: {
        tags: ["deliveries"],
        summary: "Send a failed or pending delivery now",
        params: Type.Object({ id: Id("dlv") }),
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const current = await ctx.store.getDelivery(tenantId, request.params.id);
      if (!current) throw notFound("delivery");
      const updated = await ctx.store.retryDelivery(tenantId, current.id, Date.now());
      if (!updated) {
        throw new ApiError(
          409,
          "not_retryable",
          `delivery is ${current.status}${current.lease_owner ? " and in flight" : ""}; only failed or waiting deliveries can be retried`,
        );
      }
      ctx.wake();
      reply.status(202);
      return presentDelivery(updated, Date.now());
    },
  );

  app.post(
    "/v1/webhooks/:id/replay",
    {
      schema: {
        tags: ["deliveries"],
        summary: "Re-queue a webhook's deliveries (default: failed ones)",
        params: Type.Object({ id: Id("wh") }),
        body: Type.Object(
          {
            status: Type.Optional(
              Type.Union([StatusSchema, Type.Array(StatusSchema, { minItems: 1, maxItems: 4 })]),
            ),
            since: Type.Optional(Type.String({ maxLength: 64 })),
            until: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const webhook = await ctx.store.getWebhook(tenantId, request.params.id);
      if (!webhook) throw notFound("webhook");
      const since = parseTime(request.body.since);
      const until = parseTime(request.body.until);
      if (Number.isNaN(since)) throw invalid("/body/since", "not an ISO-8601 timestamp");
      if (Number.isNaN(until)) throw invalid("/body/until", "not an ISO-8601 timestamp");
      const raw = request.body.status ?? "failed";
      const statuses: DeliveryStatus[] = Array.isArray(raw) ? raw : [raw];
      let replayed = 0;
      let after: string | null = null;
      // Small transactions, yielding between them, so a 100 000-row replay never blocks the API.
      for (;;) {
        const batch = await ctx.store.replayDeliveries(
          tenantId,
          webhook.id,
          { statuses, since, until },
          after,
          REPLAY_BATCH,
          Date.now(),
        );
        replayed += batch.replayed;
        if (batch.lastId === null) break;
        after = batch.lastId;
        ctx.wake();
        await new Promise((resolve) => setImmediate(resolve));
      }
      ctx.wake();
      reply.status(202);
      return { replayed };
    },
  );
}
