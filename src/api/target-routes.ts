import { Type } from "@sinclair/typebox";
import { envelopeJson } from "../delivery/body.js";
import { TEST_EVENT_TYPE } from "../delivery/tester.js";
import { resolveEventType, suggestEventTypes } from "../domain/catalog/index.js";
import { DomainError, invalid, notFound } from "../domain/errors.js";
import type { DeliveryStatus, WebhookRecord } from "../store/index.js";
import { tenantOf } from "./auth.js";
import type { ApiContext, App } from "./context.js";
import { presentAttempt, presentDelivery, StatusSchema } from "./deliveries.js";
import { DeliverySchema, ReplayedSchema, TestSendSchema } from "./responses.js";
import { Id, ListOf, PageQuery, parseTime } from "./schemas.js";

/** One resource of delivery targets: `/v1/webhooks` (kind webhook) or `/v1/destinations` (email). */
export interface TargetResource {
  /** The path segment after /v1/. */
  collection: string;
  /** The id prefix without the underscore (`wh`, `dst`). */
  idPrefix: string;
  /** The stored kind this resource shows. */
  kind: string;
  /** How errors name one of them. */
  noun: string;
}

export const WEBHOOKS: TargetResource = {
  collection: "webhooks",
  idPrefix: "wh",
  kind: "webhook",
  noun: "webhook",
};
export const DESTINATIONS: TargetResource = {
  collection: "destinations",
  idPrefix: "dst",
  kind: "email",
  noun: "destination",
};

/** Replays run in batches of this many rows, each its own short transaction. */
const REPLAY_BATCH = 1_000;

/** The tenant's target of this resource's kind, or a 404 naming it. */
export async function loadTarget(
  ctx: ApiContext,
  resource: TargetResource,
  tenantId: string,
  id: string,
): Promise<WebhookRecord> {
  const record = await ctx.store.targets.get(tenantId, id);
  if (!record || record.kind !== resource.kind) throw notFound(resource.noun);
  return record;
}

/**
 * What every target resource offers beside its own CRUD: its deliveries, replay and "send test".
 * Registered once per resource, so a kind's deliveries are handled exactly like a webhook's.
 */
export function targetDeliveryRoutes(resource: TargetResource) {
  const { collection, idPrefix, noun } = resource;
  const Params = Type.Object({ id: Id(idPrefix) });
  return async (app: App, ctx: ApiContext): Promise<void> => {
    app.get(
      `/v1/${collection}/:id/deliveries`,
      {
        schema: {
          tags: ["deliveries"],
          summary: `A ${noun}'s deliveries, newest first`,
          params: Params,
          querystring: Type.Object({ ...PageQuery, status: Type.Optional(StatusSchema) }),
          response: { 200: ListOf(DeliverySchema) },
        },
      },
      async (request) => {
        const tenantId = tenantOf(request);
        const target = await loadTarget(ctx, resource, tenantId, request.params.id);
        const result = await ctx.store.deliveries.list(tenantId, {
          webhookId: target.id,
          status: request.query.status,
          cursor: request.query.cursor,
          limit: request.query.limit ?? 50,
        });
        const now = Date.now();
        return { data: result.data.map((d) => presentDelivery(d, now)), next_cursor: result.next_cursor };
      },
    );

    app.post(
      `/v1/${collection}/:id/replay`,
      {
        schema: {
          tags: ["deliveries"],
          summary: `Re-queue a ${noun}'s deliveries (default: failed ones)`,
          params: Params,
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
          response: { 202: ReplayedSchema },
        },
      },
      async (request, reply) => {
        const tenantId = tenantOf(request);
        const target = await loadTarget(ctx, resource, tenantId, request.params.id);
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
          const batch = await ctx.store.deliveries.replay(
            tenantId,
            target.id,
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

    app.post(
      `/v1/${collection}/:id/test`,
      {
        // No body at all is the same as `{}`.
        preValidation: async (request) => {
          request.body ??= {};
        },
        schema: {
          tags: [collection],
          summary: "Send a test event now and return the attempt",
          params: Params,
          body: Type.Optional(
            Type.Object(
              { event_type: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
              { additionalProperties: false },
            ),
          ),
          response: { 200: TestSendSchema },
        },
      },
      async (request) => {
        const target = await loadTarget(ctx, resource, tenantOf(request), request.params.id);
        const named = request.body?.event_type ?? TEST_EVENT_TYPE;
        const eventType = resolveEventType(named)?.name;
        if (eventType === undefined) {
          throw new DomainError("unknown_event_type", `/body/event_type: unknown event type "${named}"`, {
            path: "/body/event_type",
            suggestions: suggestEventTypes(named),
          });
        }
        const { event, delivery, attempt } = await ctx.tester.test(target, eventType);
        return {
          event_id: event.id,
          delivery_id: delivery.id,
          succeeded: attempt.succeeded,
          attempt: presentAttempt(attempt, envelopeJson(event)),
        };
      },
    );
  };
}
