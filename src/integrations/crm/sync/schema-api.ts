import { type Static, Type } from "@sinclair/typebox";
import { CrmMappingsSchema } from "../../../domain/crm/mappings.js";
import { CrmSettingsInputSchema, CrmSettingsSchema } from "../../../domain/crm/settings.js";
import { fields, TargetHealthSchema } from "../../../domain/webhook.js";

/** The CRM sync API's request and answer shapes (one TypeBox schema each, types by Static<>). */

const Credentials = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 4000 }), {
  maxProperties: 20,
  description: "As the provider's credential fields name them (GET /v1/crm/providers).",
});

export const ConnectionCreateSchema = Type.Object(
  {
    provider: Type.String({ minLength: 1, maxLength: 50 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    credentials: Credentials,
    base_url: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    settings: Type.Optional(CrmSettingsInputSchema),
    timeout_ms: Type.Optional(fields.timeout_ms),
    retry: Type.Optional(fields.retry),
    max_in_flight: Type.Optional(fields.max_in_flight),
    rate_limit_per_s: Type.Optional(fields.rate_limit_per_s),
  },
  { additionalProperties: false },
);
export type ConnectionCreate = Static<typeof ConnectionCreateSchema>;

export const ConnectionPatchSchema = Type.Partial(
  Type.Omit(ConnectionCreateSchema, ["provider"], { additionalProperties: false }),
  { additionalProperties: false },
);
export type ConnectionPatch = Static<typeof ConnectionPatchSchema>;

const Time = Type.String({ format: "date-time" });
const NullableTime = Type.Union([Time, Type.Null()]);

export const ConnectionSchema = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  name: Type.String(),
  base_url: Type.String(),
  /** Secret values masked (`••••1234`); never the value itself. */
  credentials: Type.Record(Type.String(), Type.String()),
  settings: CrmSettingsSchema,
  /** Whether pushes are being delivered (false while paused, sending nothing, or auto-disabled). */
  delivering: Type.Boolean(),
  disabled_reason: Type.Union([Type.String(), Type.Null()]),
  timeout_ms: fields.timeout_ms,
  retry: fields.retry,
  max_in_flight: fields.max_in_flight,
  rate_limit_per_s: fields.rate_limit_per_s,
  fields_loaded_at: NullableTime,
  health: TargetHealthSchema,
  created_at: Time,
  updated_at: Time,
});
export type ConnectionView = Static<typeof ConnectionSchema>;

export const ProviderSchema = Type.Object({
  name: Type.String(),
  label: Type.String(),
  credentials: Type.Array(
    Type.Object({
      name: Type.String(),
      label: Type.String(),
      secret: Type.Boolean(),
      required: Type.Boolean(),
    }),
  ),
  base_url: Type.Object({ required: Type.Boolean(), default: Type.Union([Type.String(), Type.Null()]) }),
  /** Connected through the CRM's OAuth Connect flow (`POST …/oauth/start`); tokens may also be given directly. */
  oauth: Type.Boolean(),
  capabilities: Type.Object({
    objects: Type.Array(Type.String()),
    push: Type.Boolean(),
    list_changes: Type.Boolean(),
    change_notifications: Type.Boolean(),
    conditional_update: Type.Boolean(),
    rate_limit_per_second: Type.Union([Type.Number(), Type.Null()]),
  }),
});

export const MappingsBodySchema = CrmMappingsSchema;

const RunError = Type.Object({
  object: Type.Union([Type.String(), Type.Null()]),
  platform_id: Type.Union([Type.String(), Type.Null()]),
  crm_id: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  vendor_message: Type.Union([Type.String(), Type.Null()]),
  at: Time,
});

export const RunSchema = Type.Object({
  id: Type.String(),
  connection_id: Type.String(),
  mode: Type.String(),
  status: Type.String(),
  started_at: Time,
  finished_at: NullableTime,
  pulled: Type.Integer(),
  pushed: Type.Integer(),
  conflicts: Type.Integer(),
  total: Type.Union([Type.Integer(), Type.Null()]),
  errors: Type.Array(RunError),
  conflict_list: Type.Array(
    Type.Object({
      object: Type.String(),
      platform_id: Type.String(),
      crm_id: Type.String(),
      winner: Type.String(),
      at: Time,
    }),
  ),
});

export const LinkSchema = Type.Object({
  object: Type.String(),
  platform_id: Type.String(),
  crm_id: Type.String(),
  platform_hash: Type.Union([Type.String(), Type.Null()]),
  crm_hash: Type.Union([Type.String(), Type.Null()]),
  synced_at: Time,
});

export const StatusSchema = Type.Object({
  state: Type.Union([
    Type.Literal("idle"),
    Type.Literal("syncing"),
    Type.Literal("failing"),
    Type.Literal("paused"),
  ]),
  last_sync_at: NullableTime,
  records_synced: Type.Integer({ description: "Linked platform ↔ CRM record pairs." }),
  pending: Type.Integer({ description: "Pushes waiting to be delivered." }),
  errors: Type.Integer({ description: "Failed pushes and run errors in the last 24 hours." }),
  consecutive_failures: Type.Integer(),
  message: Type.Union([Type.String(), Type.Null()], {
    description:
      "Why the connection needs attention, when it does: the CRM refused its authorization (reconnect), or it waits to be authorized.",
  }),
});
