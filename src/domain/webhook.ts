import { type Static, type TSchema, Type } from "@sinclair/typebox";
import { ORDERING_KEY_PATTERN } from "./ordering.js";

/**
 * The webhook model: one TypeBox schema per part, from which the API validates requests and
 * documents itself (OpenAPI), and the rest of the program takes its types (`Static<>`). Adding a
 * field or an auth mode is a change here, in the migration and in the code that uses it.
 */

export type HttpMethod = "POST" | "GET" | "PUT" | "DELETE";

export const MAX_HOLD_S = 86_400;
export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_TIMEOUT_MS = 60_000;

const Str = (maxLength: number) => Type.String({ minLength: 1, maxLength });
const StrList = (maxLength: number) => Type.Array(Str(maxLength), { maxItems: 200 });

export const WebhookAuthSchema = Type.Union([
  Type.Object({ type: Type.Literal("none") }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal("api_key"), header: Str(100), value: Str(2000) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal("basic"), username: Str(500), password: Type.String({ maxLength: 2000 }) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal("bearer"), token: Str(4000) }, { additionalProperties: false }),
]);

export type WebhookAuth = Static<typeof WebhookAuthSchema>;

export const WebhookFiltersSchema = Type.Object(
  {
    campaign_ids: Type.Optional(StrList(100)),
    case_types: Type.Optional(StrList(100)),
    directions: Type.Optional(
      Type.Array(Type.Union([Type.Literal("inbound"), Type.Literal("outbound")]), { maxItems: 2 }),
    ),
    agent_ids: Type.Optional(StrList(100)),
    lead_scores: Type.Optional(StrList(50)),
    match: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);

export type WebhookFilters = Static<typeof WebhookFiltersSchema>;

export const WebhookRetrySchema = Type.Object(
  {
    preset: Type.Optional(
      Type.Union([Type.Literal("standard"), Type.Literal("every_30m_for_7d"), Type.Literal("exponential")]),
    ),
    schedule: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 604_800 }), { maxItems: 50 })),
    max_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    total_timeout_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 2_592_000 })),
    base_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    cap_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 604_800 })),
  },
  { additionalProperties: false },
);

/** Named retry presets; `schedule` (seconds between attempts) overrides the preset's waits. */
export type RetryPolicy = Static<typeof WebhookRetrySchema>;
export type RetryPreset = NonNullable<RetryPolicy["preset"]>;

export const WebhookSuccessSchema = Type.Object(
  {
    status_codes: Type.Optional(Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { maxItems: 50 })),
    response_key: Type.Optional(Str(200)),
    expected_value: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);

export type SuccessConditions = Static<typeof WebhookSuccessSchema>;

export const WebhookBodySchema = Type.Object(
  {
    format: Type.Union([Type.Literal("json"), Type.Literal("form")]),
    template: Type.Optional(
      Type.Union([
        Type.Record(Type.String({ maxLength: 200 }), Type.Unknown(), { maxProperties: 200 }),
        Type.String({ minLength: 1, maxLength: 100_000 }),
      ]),
    ),
    macros: Type.Optional(Type.Union([Type.Literal("standard"), Type.Literal("kaisa")])),
    sign: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/**
 * `template`: output field → Liquid template (nested objects allowed), or one string template
 * rendered as the whole body (form: the whole `a=…&b=…` text, outputs URL-encoded).
 * `macros`: what single-brace macros mean — Switchboard's (`standard`, the default) or Kaisa's
 * names and formats (`kaisa`, see domain/kaisa.ts). `sign`: Kaisa's signature option — the
 * payload goes as the field `data` and its HMAC-SHA256 as `sign` (see domain/kaisa-sign.ts).
 */
export type WebhookBody = Static<typeof WebhookBodySchema>;

export const WebhookHoldSchema = Type.Object(
  {
    until_event: Str(100),
    max_wait_s: Type.Integer({ minimum: 1, maximum: MAX_HOLD_S }),
  },
  { additionalProperties: false },
);

/**
 * Hold deliveries of events that carry a `data.call_id` until an event of type `until_event`
 * with the same call id arrives (its data is then merged in), or `max_wait_s` runs out.
 */
export type WebhookHold = Static<typeof WebhookHoldSchema>;

/**
 * Which Standard Webhooks signatures `webhook-signature` carries: `v1` (HMAC-SHA256 with the
 * `whsec_` secret, the default), `v1a` (ed25519 with the webhook's own key pair, so receivers
 * verify with a public key and hold no secret) or `both`.
 */
export const WebhookSigningSchema = Type.Object(
  { scheme: Type.Union([Type.Literal("v1"), Type.Literal("v1a"), Type.Literal("both")]) },
  { additionalProperties: false },
);
export type WebhookSigning = Static<typeof WebhookSigningSchema>;

/** A `whsec_` secret brought from another provider; checked by `checkWebhookSecret`. */
export const WebhookSecretSchema = Type.String({ minLength: 1, maxLength: 200 });

/** Destination presets a webhook can start from (see domain/presets.ts and `GET /v1/webhook-presets`). */
export const PRESET_NAMES = [
  "slack",
  "teams",
  "google_sheets",
  "zapier",
  "make",
  "hubspot",
  "kaisa",
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];
export const PresetNameSchema = Type.Union(
  PRESET_NAMES.map((name) => Type.Literal(name)),
  { title: "WebhookPresetName" },
);

/** Every field of the webhook contract (DESIGN.md); routing and policy fields serve every target kind. */
export const fields = {
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  description: Type.String({ maxLength: 500 }),
  enabled: Type.Boolean(),
  events: Type.Array(Str(100), { maxItems: 200 }),
  campaign_id: Type.Union([Str(100), Type.Null()]),
  filters: WebhookFiltersSchema,
  method: Type.Union([
    Type.Literal("POST"),
    Type.Literal("GET"),
    Type.Literal("PUT"),
    Type.Literal("DELETE"),
  ]),
  headers: Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 4000 }), {
    maxProperties: 50,
  }),
  auth: WebhookAuthSchema,
  app_key: Type.Union([Str(500), Type.Null()]),
  body: WebhookBodySchema,
  timeout_ms: Type.Integer({ minimum: 100, maximum: MAX_TIMEOUT_MS }),
  retry: WebhookRetrySchema,
  success: WebhookSuccessSchema,
  max_in_flight: Type.Union([Type.Integer({ minimum: 1, maximum: 100 }), Type.Null()]),
  rate_limit_per_s: Type.Union([Type.Integer({ minimum: 1, maximum: 10_000 }), Type.Null()]),
  signature_header: Type.Union([Str(100), Type.Null()]),
  hold: Type.Union([WebhookHoldSchema, Type.Null()]),
  signing: WebhookSigningSchema,
  ordering: Type.Union([Type.Literal("none"), Type.Literal("per_key")], {
    description:
      "per_key: deliveries whose events share the key at ordering_key go out one at a time, in the order their events were accepted; a retrying one holds those behind it. Events without the key are not ordered.",
  }),
  ordering_key: Type.String({
    minLength: 6,
    maxLength: 400,
    pattern: ORDERING_KEY_PATTERN,
    description:
      "Where the ordering key is read in the event: data.<field>[.<field>…] (default data.call_id).",
  }),
};

export const WebhookCreateSchema = Type.Object(
  {
    url: fields.url,
    description: Type.Optional(fields.description),
    enabled: Type.Optional(fields.enabled),
    events: Type.Optional(fields.events),
    campaign_id: Type.Optional(fields.campaign_id),
    filters: Type.Optional(fields.filters),
    method: Type.Optional(fields.method),
    headers: Type.Optional(fields.headers),
    auth: Type.Optional(fields.auth),
    app_key: Type.Optional(fields.app_key),
    body: Type.Optional(fields.body),
    timeout_ms: Type.Optional(fields.timeout_ms),
    retry: Type.Optional(fields.retry),
    success: Type.Optional(fields.success),
    max_in_flight: Type.Optional(fields.max_in_flight),
    rate_limit_per_s: Type.Optional(fields.rate_limit_per_s),
    signature_header: Type.Optional(fields.signature_header),
    hold: Type.Optional(fields.hold),
    signing: Type.Optional(fields.signing),
    ordering: Type.Optional(fields.ordering),
    ordering_key: Type.Optional(fields.ordering_key),
    /** Bring your own `whsec_` secret (moving from another provider); absent → one is generated. */
    secret: Type.Optional(WebhookSecretSchema),
    /** Start from a destination preset: its method, headers, body, success (…) unless given here. */
    preset: Type.Optional(PresetNameSchema),
  },
  {
    additionalProperties: false,
    examples: [
      {
        url: "https://crm.hartwell-law.example/hooks/switchboard",
        description: "Intake CRM",
        events: ["call.ended", "lead.*"],
        campaign_id: "cmp_auto_accidents",
      },
    ],
  },
);
export type WebhookCreate = Static<typeof WebhookCreateSchema>;

/**
 * Every create field but `secret`, which changes only through rotate-secret (with its grace
 * period), and `preset`, which only fills in a new webhook.
 */
export const WebhookPatchSchema = Type.Partial(Type.Omit(WebhookCreateSchema, ["secret", "preset"]), {
  additionalProperties: false,
});
export type WebhookPatchInput = Static<typeof WebhookPatchSchema>;

/** What event routing needs to know about a webhook. */
export interface WebhookRouting {
  enabled: boolean;
  /** Empty = every event type, including ones added later. Entries may be `call.*` wildcards. */
  events: string[];
  campaign_id: string | null;
  filters: WebhookFilters;
}

/** Credentials as answers show them: masked (`whsec_ab…`, `••••`), never in full. */
export const MaskedAuthSchema = Type.Union([
  Type.Object({ type: Type.Literal("none") }),
  Type.Object({ type: Type.Literal("api_key"), header: Type.String(), value: Type.String() }),
  Type.Object({ type: Type.Literal("basic"), username: Type.String(), password: Type.String() }),
  Type.Object({ type: Type.Literal("bearer"), token: Type.String() }),
]);

const Time = Type.String({ format: "date-time" });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A target's health as the dispatcher last recorded it; one nothing was sent to yet is healthy. */
export const TargetHealthSchema = Type.Object({
  circuit: Type.Union([Type.Literal("closed"), Type.Literal("open"), Type.Literal("half_open")]),
  consecutive_failures: Type.Integer(),
  retry_at: Nullable(Time),
  failing_since: Nullable(Time),
  last_success_at: Nullable(Time),
  last_failure_at: Nullable(Time),
});
export type TargetHealth = Static<typeof TargetHealthSchema>;

/** A webhook as the API answers with it: every field, credentials masked, no secret. */
export const WebhookSchema = Type.Object(
  {
    id: Type.String(),
    url: fields.url,
    description: fields.description,
    enabled: fields.enabled,
    disabled_reason: Nullable(Type.String()),
    events: fields.events,
    campaign_id: fields.campaign_id,
    filters: fields.filters,
    method: fields.method,
    headers: fields.headers,
    auth: MaskedAuthSchema,
    app_key: Nullable(Type.String()),
    body: fields.body,
    timeout_ms: fields.timeout_ms,
    retry: fields.retry,
    success: fields.success,
    max_in_flight: fields.max_in_flight,
    rate_limit_per_s: fields.rate_limit_per_s,
    signature_header: fields.signature_header,
    hold: fields.hold,
    signing: fields.signing,
    ordering: fields.ordering,
    ordering_key: fields.ordering_key,
    health: TargetHealthSchema,
    created_at: Time,
    updated_at: Time,
  },
  { title: "Webhook" },
);
export type Webhook = Static<typeof WebhookSchema>;
