import { type TSchema, Type } from "@sinclair/typebox";
import { WebhookPresetSchema } from "../domain/presets.js";

/**
 * Named answers of the API: each `title` becomes a component of /openapi.json (see openapi.ts),
 * so generated clients get `Tenant`, `Delivery`, `Attempt` … rather than anonymous shapes. They
 * also serialise the answers, so a field a presenter adds must be added here too (a test compares
 * answers against them).
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Time = Type.String({ format: "date-time" });
const NullableTime = Nullable(Time);

export const TenantSchema = Type.Object(
  { id: Type.String(), name: Type.String(), timezone: Type.String(), created_at: Time },
  { title: "Tenant" },
);

const apiKeyFields = {
  id: Type.String(),
  prefix: Type.String(),
  created_at: Time,
  revoked_at: NullableTime,
  scopes: Nullable(
    Type.Array(Type.String(), {
      description: "What the key may do (`webhooks:read`, `records:*`); null: no scopes, full power.",
    }),
  ),
  expires_at: Nullable(Type.String({ format: "date-time", description: "When the key stops working." })),
};

export const ApiKeySchema = Type.Object(apiKeyFields, { title: "ApiKey" });

export const CreatedApiKeySchema = Type.Object(
  { ...apiKeyFields, key: Type.String({ description: "The key itself: shown once, never again." }) },
  { title: "CreatedApiKey" },
);

const JsonObject = Type.Record(Type.String(), Type.Unknown());

const eventTypeFields = {
  name: Type.String(),
  category: Type.String(),
  description: Type.String(),
  aliases: Type.Array(Type.String(), { description: "Other platforms' names accepted for this type." }),
  schema: JsonObject,
  example: JsonObject,
};

export const EventTypeSchema = Type.Object(eventTypeFields, { title: "EventType" });

export const EventTypeDetailSchema = Type.Object(
  {
    ...eventTypeFields,
    variables: Type.Array(Type.String(), { description: "Template variables this type offers." }),
    macros: Type.Array(Type.Object({ macro: Type.String(), variable: Type.String() })),
  },
  { title: "EventTypeDetail" },
);

export const EventTypeCatalogSchema = Type.Object(
  {
    data: Type.Array(EventTypeSchema),
    categories: Type.Array(Type.Object({ name: Type.String(), types: Type.Array(Type.String()) })),
    next_cursor: Type.Null(),
  },
  { title: "EventTypeCatalog" },
);

export const EventAcceptedSchema = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    deliveries: Type.Integer({ description: "How many deliveries the event got." }),
  },
  { title: "EventAccepted" },
);

const eventFields = {
  id: Type.String(),
  type: Type.String(),
  data: Nullable(JsonObject),
  campaign_id: Nullable(Type.String()),
  case_type: Nullable(Type.String()),
  idempotency_key: Nullable(Type.String()),
  occurred_at: Time,
  created_at: Time,
  test: Type.Boolean({ description: "Made by a test send." }),
};

export const EventSchema = Type.Object(eventFields, { title: "Event" });

const HeaderMap = Type.Record(Type.String(), Type.String());

export const DeliverySchema = Type.Object(
  {
    id: Type.String(),
    event_id: Type.String(),
    event_type: Type.String(),
    webhook_id: Type.String({ description: "The target: a webhook, destination or other kind." }),
    status: Type.Union([
      Type.Literal("pending"),
      Type.Literal("succeeded"),
      Type.Literal("failed"),
      Type.Literal("cancelled"),
    ]),
    state: Type.Union(
      [
        Type.Literal("due"),
        Type.Literal("claimed"),
        Type.Literal("held"),
        Type.Literal("held_by_ordering"),
        Type.Literal("circuit_open"),
        Type.Literal("parked"),
        Type.Literal("succeeded"),
        Type.Literal("failed"),
        Type.Literal("cancelled"),
      ],
      {
        description:
          "due; claimed (being sent); held (waiting for a follow-up event); held_by_ordering (waiting for the delivery ahead of it with the same ordering key: ordering.blocked_by); circuit_open (its target's breaker is open: waits for the probe at next_attempt_at); parked (target disabled); or finished.",
      },
    ),
    attempt_count: Type.Integer(),
    next_attempt_at: NullableTime,
    in_flight: Type.Boolean(),
    held: Type.Boolean({ description: "Parked behind a disabled target." }),
    first_attempt_at: NullableTime,
    last_attempt_at: NullableTime,
    last_status_code: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    appended: Nullable(Type.String()),
    held_until: NullableTime,
    hold: Nullable(Type.Object({ until_event: Type.String(), call_id: Type.String(), until: Time })),
    merged_event_id: Nullable(Type.String()),
    ordering: Nullable(
      Type.Object(
        {
          key: Type.String({ description: "Its key in its webhook's line (ordering: per_key)." }),
          blocked_by: Nullable(
            Type.String({
              description: "While held_by_ordering: the delivery ahead of it that holds the key.",
            }),
          ),
        },
        { description: "Set when its webhook orders deliveries per key and its event has the key." },
      ),
    ),
    created_at: Time,
    updated_at: Time,
  },
  { title: "Delivery" },
);

export const AttemptSchema = Type.Object(
  {
    id: Type.String(),
    delivery_id: Type.String(),
    attempt_number: Type.Integer(),
    succeeded: Type.Boolean(),
    request: Type.Object({
      method: Type.String(),
      url: Type.String(),
      headers: HeaderMap,
      body: Nullable(Type.String()),
    }),
    response: Nullable(
      Type.Object({ status: Type.Integer(), headers: Nullable(HeaderMap), body: Nullable(Type.String()) }),
    ),
    error: Nullable(Type.Object({ kind: Type.String(), message: Type.String() })),
    duration_ms: Nullable(Type.Integer()),
    created_at: Time,
  },
  { title: "Attempt" },
);

export const EventDetailSchema = Type.Object(
  {
    ...eventFields,
    deliveries: Type.Array(DeliverySchema),
    appended: Type.Array(Type.Object({ webhook_id: Type.String(), value: Type.String() })),
  },
  { title: "EventDetail" },
);

export const DeliveryDetailSchema = Type.Object(
  { ...DeliverySchema.properties, attempts: Type.Array(AttemptSchema) },
  { title: "DeliveryDetail" },
);

export const SecretSchema = Type.Object(
  {
    secret: Type.String(),
    previous_secret: Nullable(Type.String()),
    previous_secret_expires_at: NullableTime,
  },
  { title: "WebhookSecret" },
);

export const RotatedSecretSchema = Type.Object(
  { secret: Type.String(), previous_secret_expires_at: NullableTime },
  { title: "RotatedSecret" },
);

export const ReplayedSchema = Type.Object(
  { replayed: Type.Integer({ description: "How many deliveries were queued again." }) },
  { title: "Replayed" },
);

export const TestSendSchema = Type.Object(
  {
    event_id: Type.String(),
    delivery_id: Type.String(),
    succeeded: Type.Boolean(),
    attempt: AttemptSchema,
  },
  { title: "TestSend" },
);

export const ListenerSchema = Type.Object(
  {
    id: Type.String(),
    events: Type.Array(Type.String()),
    forward_to: Nullable(Type.String()),
    secret: Type.String(),
    expires_at: Time,
    created_at: Time,
  },
  { title: "Listener" },
);

/** 204: nothing in the body. */
export const NoContent = Type.Null({ description: "No content" });

/** `GET /v1/webhook-presets`: the destination presets and the Kaisa macro catalog. */
export const WebhookPresetCatalogSchema = Type.Object(
  {
    data: Type.Array(WebhookPresetSchema),
    kaisa_macros: Type.Array(
      Type.Object(
        {
          macro: Type.String(),
          meaning: Type.String(),
          source: Type.String({
            description: "The envelope fields it is computed from, first present wins.",
          }),
        },
        { title: "KaisaMacro" },
      ),
    ),
  },
  { title: "WebhookPresetCatalog" },
);
