import { type Static, Type } from "@sinclair/typebox";
import { fields, TargetHealthSchema } from "../../domain/webhook.js";

const Str = (maxLength: number) => Type.String({ minLength: 1, maxLength });

/** How the connection to the SMTP server is protected. */
export const SmtpSecuritySchema = Type.Union([
  /** Plain connection upgraded with STARTTLS, which the server must offer (port 587). */
  Type.Literal("starttls"),
  /** TLS from the first byte (port 465). */
  Type.Literal("tls"),
  /** No TLS at all: only with SWITCHBOARD_ALLOW_PRIVATE_TARGETS=1 (local relays, tests). */
  Type.Literal("none"),
]);

export const SmtpSettingsSchema = Type.Object(
  {
    host: Str(253),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65_535 })),
    security: Type.Optional(SmtpSecuritySchema),
    username: Type.Optional(Type.Union([Str(500), Type.Null()])),
    /** Write-only: answers show it masked; leaving it out of an update keeps the stored one. */
    password: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);

const Addresses = (minItems: number) => Type.Array(Str(320), { minItems, maxItems: 50 });

/** An email destination's own settings. */
export const EmailSettingsSchema = Type.Object(
  {
    smtp: SmtpSettingsSchema,
    from: Str(320),
    to: Addresses(1),
    cc: Type.Optional(Addresses(0)),
    /** A Liquid template over the envelope (`{{ event }}`, `{{ data.call_id }}`, …). */
    subject: Type.Optional(Str(1000)),
  },
  { additionalProperties: false },
);
export type EmailSettingsInput = Static<typeof EmailSettingsSchema>;

/** The settings as stored (encrypted JSON in `target_config`): every default filled in. */
export interface EmailSettings {
  smtp: {
    host: string;
    port: number;
    security: Static<typeof SmtpSecuritySchema>;
    username: string | null;
    password: string | null;
  };
  from: string;
  to: string[];
  cc: string[];
  subject: string;
}

export const DestinationCreateSchema = Type.Object(
  {
    kind: Type.Literal("email"),
    email: EmailSettingsSchema,
    description: Type.Optional(fields.description),
    enabled: Type.Optional(fields.enabled),
    events: Type.Optional(fields.events),
    campaign_id: Type.Optional(fields.campaign_id),
    filters: Type.Optional(fields.filters),
    timeout_ms: Type.Optional(fields.timeout_ms),
    retry: Type.Optional(fields.retry),
    max_in_flight: Type.Optional(fields.max_in_flight),
    rate_limit_per_s: Type.Optional(fields.rate_limit_per_s),
    hold: Type.Optional(fields.hold),
  },
  { additionalProperties: false },
);
export type DestinationCreate = Static<typeof DestinationCreateSchema>;

export const DestinationPatchSchema = Type.Partial(
  Type.Omit(DestinationCreateSchema, ["kind"], { additionalProperties: false }),
  { additionalProperties: false },
);
export type DestinationPatch = Static<typeof DestinationPatchSchema>;

const Time = Type.String({ format: "date-time" });

/** An email destination as the API answers with it: the SMTP password masked. */
export const EmailDestinationSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.Literal("email"),
    description: fields.description,
    enabled: fields.enabled,
    disabled_reason: Type.Union([Type.String(), Type.Null()]),
    events: fields.events,
    campaign_id: fields.campaign_id,
    filters: fields.filters,
    email: Type.Object({
      smtp: Type.Object({
        host: Type.String(),
        port: Type.Integer(),
        security: SmtpSecuritySchema,
        username: Type.Union([Type.String(), Type.Null()]),
        /** `••••••••` when one is set. */
        password: Type.Union([Type.String(), Type.Null()]),
      }),
      from: Type.String(),
      to: Type.Array(Type.String()),
      cc: Type.Array(Type.String()),
      subject: Type.String(),
    }),
    timeout_ms: fields.timeout_ms,
    retry: fields.retry,
    max_in_flight: fields.max_in_flight,
    rate_limit_per_s: fields.rate_limit_per_s,
    hold: fields.hold,
    health: TargetHealthSchema,
    created_at: Time,
    updated_at: Time,
  },
  { title: "EmailDestination" },
);
export type EmailDestination = Static<typeof EmailDestinationSchema>;
