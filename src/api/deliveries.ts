import { type Static, Type } from "@sinclair/typebox";
import { envelopeJson, withFollowUp } from "../delivery/body.js";
import { type DeliveryState, deliveryState } from "../domain/delivery-state.js";
import { DomainError, invalid, notFound } from "../domain/errors.js";
import { redactHeaders } from "../domain/redact.js";
import { iso } from "../domain/time.js";
import type { AttemptRecord, DeliveryRecord, DeliveryView, Store } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { eventTypesOf } from "./event-filter.js";
import { type AttemptSchema, DeliveryDetailSchema, DeliverySchema } from "./responses.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

export const StatusSchema = Type.Union([
  Type.Literal("pending"),
  Type.Literal("succeeded"),
  Type.Literal("failed"),
  Type.Literal("cancelled"),
]);

/**
 * A delivery as the API shows it. `state` says what it is doing (src/domain/delivery-state.ts);
 * `next_attempt_at`, `in_flight`, `held` and `hold` are the same answer in the older fields.
 */
export function presentDelivery(d: DeliveryView, now: number): Static<typeof DeliverySchema> {
  const state = deliveryState(d, now, d.circuit_open_until);
  const held = state.state === "held" ? state : null;
  return {
    id: d.id,
    event_id: d.event_id,
    event_type: d.event_type,
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
    ordering:
      d.order_key === null
        ? null
        : {
            key: d.order_key,
            blocked_by: state.state === "held_by_ordering" ? d.order_blocked_by : null,
          },
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
    case "circuit_open":
      return state.probeAt;
    default:
      return null;
  }
}

/**
 * The body a delivery sends by default: its event's envelope, merged with the follow-up event
 * that released it from a hold, exactly as the dispatcher builds it.
 */
async function envelopeOfDelivery(store: Store, d: DeliveryRecord): Promise<string | null> {
  const events = await store.events.getByIds(
    d.merge_event_id ? [d.event_id, d.merge_event_id] : [d.event_id],
  );
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
export function presentAttempt(a: AttemptRecord, envelope: string | null): Static<typeof AttemptSchema> {
  return {
    id: a.id,
    delivery_id: a.delivery_id,
    attempt_number: a.attempt_number,
    succeeded: a.succeeded,
    request: {
      method: a.request_method,
      url: a.request_url,
      // Attempts recorded before a header name counted as secret are redacted as they are shown.
      headers: redactHeaders(a.request_headers),
      body: a.request_body_envelope ? envelope : a.request_body,
    },
    response:
      a.response_status === null
        ? null
        : {
            status: a.response_status,
            headers: a.response_headers && redactHeaders(a.response_headers),
            body: a.response_body,
          },
    // A transport failure has a kind; an answer that was not a success is kind "response".
    error:
      a.succeeded || a.error_message === null
        ? null
        : { kind: a.error_kind ?? "response", message: a.error_message },
    duration_ms: a.duration_ms,
    created_at: iso(a.created_at),
  };
}

export async function deliveryRoutes(app: App, ctx: ApiContext): Promise<void> {
  app.get(
    "/v1/deliveries",
    {
      schema: {
        tags: ["deliveries"],
        summary: "Deliveries across every target, newest first, with filters",
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(StatusSchema),
          target_id: Type.Optional(
            Type.String({ maxLength: 80, description: "A webhook, destination or other target id." }),
          ),
          event_type: Type.Optional(
            Type.String({
              maxLength: 100,
              description: "A type, an alias, a category wildcard (`call.*`) or `*`.",
            }),
          ),
          since: Type.Optional(
            Type.String({ maxLength: 64, description: "Created at or after (ISO-8601)." }),
          ),
          until: Type.Optional(Type.String({ maxLength: 64, description: "Created before (ISO-8601)." })),
        }),
        response: { 200: ListOf(DeliverySchema) },
      },
    },
    async (request) => {
      const since = parseTime(request.query.since);
      const until = parseTime(request.query.until);
      if (Number.isNaN(since)) throw invalid("/querystring/since", "not an ISO-8601 timestamp");
      if (Number.isNaN(until)) throw invalid("/querystring/until", "not an ISO-8601 timestamp");
      const result = await ctx.store.deliveries.list(tenantOf(request), {
        webhookId: request.query.target_id,
        status: request.query.status,
        eventTypes: eventTypesOf(request.query.event_type, "/querystring/event_type"),
        since,
        until,
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
        response: { 200: DeliveryDetailSchema },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const delivery = await ctx.store.deliveries.get(tenantId, request.params.id);
      if (!delivery) throw notFound("delivery");
      const attempts = await ctx.store.deliveries.listAttempts(tenantId, delivery.id);
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
        response: { 202: DeliverySchema },
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const current = await ctx.store.deliveries.get(tenantId, request.params.id);
      if (!current) throw notFound("delivery");
      const updated = await ctx.store.deliveries.retry(tenantId, current.id, Date.now());
      if (!updated) {
        throw new DomainError(
          "not_retryable",
          `delivery is ${current.status}${current.lease_owner ? " and in flight" : ""}; only failed or waiting deliveries can be retried`,
        );
      }
      ctx.wake();
      reply.status(202);
      return presentDelivery(
        (await ctx.store.deliveries.get(tenantId, updated.id)) ?? { ...current, ...updated },
        Date.now(),
      );
    },
  );
}
