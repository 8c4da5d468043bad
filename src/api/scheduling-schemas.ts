import { Type } from "@sinclair/typebox";
import { ListOf } from "./schemas.js";

/** The scheduling routes' answers (src/api/scheduling.ts), named for the OpenAPI document. */

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
