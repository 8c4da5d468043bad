import { Type } from "@sinclair/typebox";
import { ListOf, PageQuery } from "./schemas.js";

/** The scheduling routes' inputs and answers (src/api/scheduling.ts); answers are named for the OpenAPI document. */

export const AgentId = Type.String({
  pattern: "^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$",
  description: "The AI agent (agt_…).",
});
export const RecordId = (prefix: string) =>
  Type.String({ pattern: `^${prefix}_[0-9A-Za-z_-]{1,64}$`, maxLength: 80 });
export const TimeText = Type.String({
  minLength: 10,
  maxLength: 40,
  description:
    "ISO-8601: an instant with Z or an offset, or a local time read in `time_zone` (default: the company's).",
});
export const ZoneText = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "IANA time zone, e.g. America/Chicago.",
});
export const E164 = Type.String({
  pattern: "^\\+[1-9][0-9]{6,14}$",
  description: "E.164, e.g. +13125550187.",
});
export const Email = Type.String({ pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", maxLength: 254 });
export const Reason = Type.Optional(Type.String({ minLength: 1, maxLength: 500 }));

export const ConnectionBody = Type.Object(
  {
    provider: Type.Literal("calcom"),
    api_key: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "A Cal.com API key (cal_live_…); never returned.",
    }),
    base_url: Type.Optional(
      Type.Union([Type.String({ maxLength: 500 }), Type.Null()], {
        description: "Self-hosted Cal.com API host root (without /v2); default https://api.cal.com.",
      }),
    ),
    webhook_url: Type.Optional(
      Type.String({
        maxLength: 500,
        description:
          "Where Cal.com should post booking changes; default this server's /v1/scheduling/hooks/{tenant_id} as the request reached it.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const AgentBody = Type.Object(
  {
    booking_enabled: Type.Boolean(),
    event_type_id: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: "The Cal.com event type the agent books; checked with Cal.com on save.",
    }),
  },
  { additionalProperties: false },
);

export const AvailabilityQuery = Type.Object(
  {
    agent_id: AgentId,
    start: Type.Optional(TimeText),
    end: Type.Optional(TimeText),
    time_zone: Type.Optional(ZoneText),
  },
  { additionalProperties: false },
);

export const BookingBody = Type.Object(
  {
    agent_id: AgentId,
    start: TimeText,
    time_zone: Type.Optional(ZoneText),
    attendee: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        phone: Type.Optional(E164),
        email: Type.Optional(Email),
        time_zone: Type.Optional(ZoneText),
      },
      { additionalProperties: false },
    ),
    call_id: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: "One booking per call id." }),
    ),
    client_id: Type.Optional(RecordId("cli")),
    case_id: Type.Optional(RecordId("cas")),
    location: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const RescheduleBody = Type.Object(
  { start: TimeText, time_zone: Type.Optional(ZoneText), reason: Reason },
  { additionalProperties: false },
);
export const CancelBody = Type.Object({ reason: Reason }, { additionalProperties: false });

export const BookingsQuery = Type.Object(
  {
    from: Type.Optional(TimeText),
    status: Type.Optional(
      Type.Union([Type.Literal("pending"), Type.Literal("booked"), Type.Literal("cancelled")]),
    ),
    agent_id: Type.Optional(AgentId),
    ...PageQuery,
  },
  { additionalProperties: false },
);

const Time = (description: string) =>
  Type.String({ description: `${description} ISO-8601 with the company zone's offset.` });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const SchedulingConnectionSchema = Type.Object(
  {
    connected: Type.Boolean(),
    provider: Type.Optional(Type.Literal("calcom")),
    account: Type.Optional(
      Type.Object(
        { id: Type.String(), name: Type.String(), email: Type.String() },
        { title: "SchedulingAccount" },
      ),
    ),
    base_url: Type.Optional(
      Nullable(Type.String({ description: "Self-hosted Cal.com host root; null: api.cal.com." })),
    ),
    api_key: Type.Optional(Type.String({ description: "The key's last four characters only (••••abcd)." })),
    webhook: Type.Optional(
      Type.Object({
        subscribed: Type.Boolean({ description: "Cal.com posts booking changes to this server." }),
        error: Nullable(Type.String({ description: "Why subscribing failed." })),
      }),
    ),
    connected_at: Type.Optional(Type.String({ format: "date-time" })),
  },
  { title: "SchedulingConnection" },
);

export const SchedulingAgentSchema = Type.Object(
  {
    agent_id: Type.String(),
    booking_enabled: Type.Boolean(),
    event_type_id: Type.Union([Type.Integer(), Type.Null()]),
    event_type: Type.Union([
      Type.Object(
        {
          id: Type.Integer(),
          title: Nullable(Type.String()),
          length_minutes: Type.Union([Type.Integer(), Type.Null()]),
        },
        { description: "The event type as Cal.com described it when the agent was saved." },
      ),
      Type.Null(),
    ]),
    updated_at: Type.String({ format: "date-time" }),
  },
  { title: "SchedulingAgent" },
);

export const SchedulingAgentList = ListOf(SchedulingAgentSchema);

const SlotSchema = Type.Object({ start: Time("Start."), end: Time("End.") }, { title: "Slot" });

export const AvailabilitySchema = Type.Object(
  {
    data: Type.Array(SlotSchema),
    time_zone: Type.String({ description: "The zone the slots are shown in (the company's unless asked)." }),
    agent_id: Type.String(),
  },
  { title: "Availability" },
);

export const SchedulingBookingSchema = Type.Object(
  {
    id: Type.String({ description: "apt_…" }),
    agent_id: Type.String(),
    status: Type.Union([Type.Literal("pending"), Type.Literal("booked"), Type.Literal("cancelled")]),
    start: Time("Start."),
    end: Time("End."),
    time_zone: Type.String(),
    attendee: Type.Object({
      name: Type.String(),
      email: Nullable(Type.String()),
      phone: Nullable(Type.String()),
      time_zone: Type.String(),
    }),
    call_id: Nullable(Type.String()),
    client_id: Nullable(Type.String()),
    case_id: Nullable(Type.String()),
    event_type_id: Type.Integer(),
    title: Nullable(Type.String()),
    location: Nullable(Type.String()),
    provider: Type.Literal("calcom"),
    provider_booking_id: Nullable(Type.String({ description: "Cal.com's booking uid." })),
    created_at: Type.String({ format: "date-time" }),
    updated_at: Type.String({ format: "date-time" }),
    existing: Type.Optional(
      Type.Boolean({
        description: "On POST: true when the call already had this booking (nothing was booked).",
      }),
    ),
  },
  { title: "SchedulingBooking" },
);

export const SchedulingBookingList = ListOf(SchedulingBookingSchema);

export const HookReceipt = Type.Object(
  {
    received: Type.Boolean(),
    outcome: Type.Union(
      ["rescheduled", "cancelled", "booked", "unchanged", "not_ours", "ignored"].map((o) => Type.Literal(o)),
    ),
  },
  { title: "SchedulingHookReceipt" },
);
