import { Type } from "@sinclair/typebox";
import type { FastifyRequest } from "fastify";
import { DomainError, invalid, notFound } from "../domain/errors.js";
import { inZone, isValidZone, parseWallOrInstant } from "../domain/scheduling/time.js";
import { receiveCalcomHook } from "../integrations/scheduling/hooks.js";
import { presentAgent, presentBooking, presentConnection } from "../integrations/scheduling/present.js";
import type { Scheduling } from "../integrations/scheduling/scheduling.js";
import { tenantOf } from "./auth.js";
import type { App } from "./context.js";
import {
  AvailabilitySchema,
  HookReceipt,
  SchedulingAgentList,
  SchedulingAgentSchema,
  SchedulingBookingList,
  SchedulingBookingSchema,
  SchedulingConnectionSchema,
} from "./scheduling-schemas.js";
import { PageQuery } from "./schemas.js";

const tags = ["scheduling"];
const AgentId = Type.String({
  pattern: "^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$",
  description: "The AI agent (agt_…).",
});
const RecordId = (prefix: string) =>
  Type.String({ pattern: `^${prefix}_[0-9A-Za-z_-]{1,64}$`, maxLength: 80 });
const TimeText = Type.String({
  minLength: 10,
  maxLength: 40,
  description:
    "ISO-8601: an instant with Z or an offset, or a local time read in `time_zone` (default: the company's).",
});
const ZoneText = Type.String({
  minLength: 1,
  maxLength: 64,
  description: "IANA time zone, e.g. America/Chicago.",
});
const E164 = Type.String({ pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164, e.g. +13125550187." });
const Email = Type.String({ pattern: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", maxLength: 254 });
const Reason = Type.Optional(Type.String({ minLength: 1, maxLength: 500 }));

const ConnectionBody = Type.Object(
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

const AgentBody = Type.Object(
  {
    booking_enabled: Type.Boolean(),
    event_type_id: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
      description: "The Cal.com event type the agent books; checked with Cal.com on save.",
    }),
  },
  { additionalProperties: false },
);

const AvailabilityQuery = Type.Object(
  {
    agent_id: AgentId,
    start: Type.Optional(TimeText),
    end: Type.Optional(TimeText),
    time_zone: Type.Optional(ZoneText),
  },
  { additionalProperties: false },
);

const BookingBody = Type.Object(
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

const RescheduleBody = Type.Object(
  { start: TimeText, time_zone: Type.Optional(ZoneText), reason: Reason },
  { additionalProperties: false },
);
const CancelBody = Type.Object({ reason: Reason }, { additionalProperties: false });

const BookingsQuery = Type.Object(
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

function zoneParam(zone: string | undefined, fallback: string, path: string): string {
  if (zone === undefined) return fallback;
  if (!isValidZone(zone)) throw invalid(path, `"${zone}" is not an IANA time zone`);
  return zone;
}

/** Where Cal.com should post: this server as the caller reached it, unless they say otherwise. */
function hookUrl(request: FastifyRequest, tenantId: string): string {
  return `${request.protocol}://${request.host}/v1/scheduling/hooks/${tenantId}`;
}

/** Scheduling with Cal.com: connection, agents, availability and bookings (tenant key). */
export async function schedulingRoutes(app: App, scheduling: Scheduling): Promise<void> {
  app.put(
    "/v1/scheduling/connection",
    {
      schema: {
        tags,
        summary: "Connect Cal.com with the company's API key (checked live)",
        response: { 200: SchedulingConnectionSchema },
        body: ConnectionBody,
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const body = request.body;
      const record = await scheduling.connect(tenantId, {
        api_key: body.api_key,
        base_url: body.base_url ?? null,
        webhook_url: body.webhook_url ?? hookUrl(request, tenantId),
      });
      return presentConnection(record, body.api_key.slice(-4));
    },
  );

  app.get(
    "/v1/scheduling/connection",
    {
      schema: {
        tags,
        summary: "Whether Cal.com is connected, and as whom (never the key)",
        response: { 200: SchedulingConnectionSchema },
      },
    },
    async (request) => {
      const found = await scheduling.connection(tenantOf(request));
      return presentConnection(found?.record ?? null, found?.lastFour ?? null);
    },
  );

  app.delete(
    "/v1/scheduling/connection",
    {
      schema: {
        tags,
        summary: "Disconnect Cal.com (its webhook subscription is removed)",
        response: { 200: SchedulingConnectionSchema },
      },
    },
    async (request) => {
      await scheduling.disconnect(tenantOf(request));
      return { connected: false };
    },
  );

  app.put(
    "/v1/scheduling/agents/:agent_id",
    {
      schema: {
        tags,
        summary:
          "An agent's booking toggle and Cal.com event type (422 with Cal.com's message for an unknown one)",
        response: { 200: SchedulingAgentSchema },
        params: Type.Object({ agent_id: AgentId }),
        body: AgentBody,
      },
    },
    async (request) =>
      presentAgent(await scheduling.saveAgent(tenantOf(request), request.params.agent_id, request.body)),
  );

  app.get(
    "/v1/scheduling/agents",
    { schema: { tags, summary: "Agents' booking settings", response: { 200: SchedulingAgentList } } },
    async (request) => ({
      data: (await scheduling.repository.listAgents(tenantOf(request))).map(presentAgent),
      next_cursor: null,
    }),
  );

  app.get(
    "/v1/scheduling/availability",
    {
      schema: {
        tags,
        summary: "Open slots for an agent, in the company's time zone (cached ≤ 30 s)",
        response: { 200: AvailabilitySchema },
        querystring: AvailabilityQuery,
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const q = request.query;
      const companyZone = await scheduling.zoneOf(tenantId);
      const zone = zoneParam(q.time_zone, companyZone, "/querystring/time_zone");
      const start =
        q.start === undefined ? undefined : parseWallOrInstant(q.start, zone, "/querystring/start");
      const end = q.end === undefined ? undefined : parseWallOrInstant(q.end, zone, "/querystring/end");
      const slots = await scheduling.availability(tenantId, q.agent_id, { start, end }, zone);
      return {
        data: slots.map((s) => ({ start: inZone(s.start, zone), end: inZone(s.end, zone) })),
        time_zone: zone,
        agent_id: q.agent_id,
      };
    },
  );

  app.post(
    "/v1/scheduling/bookings",
    {
      schema: {
        tags,
        summary: "Book an appointment (one per call_id; 409 slot_unavailable names the nearest open slots)",
        response: { 200: SchedulingBookingSchema, 201: SchedulingBookingSchema },
        body: BookingBody,
      },
    },
    async (request, reply) => {
      const tenantId = tenantOf(request);
      const body = request.body;
      const companyZone = await scheduling.zoneOf(tenantId);
      const zone = zoneParam(body.time_zone, companyZone, "/body/time_zone");
      if (!body.attendee.phone && !body.attendee.email) {
        throw invalid("/body/attendee", "give the attendee's phone or email (Cal.com needs one)");
      }
      const { booking, created } = await scheduling.bookings.book(
        tenantId,
        {
          agent_id: body.agent_id,
          start: parseWallOrInstant(body.start, zone, "/body/start"),
          attendee: {
            name: body.attendee.name,
            email: body.attendee.email ?? null,
            phone: body.attendee.phone ?? null,
            time_zone: zoneParam(body.attendee.time_zone, companyZone, "/body/attendee/time_zone"),
          },
          call_id: body.call_id ?? null,
          client_id: body.client_id ?? null,
          case_id: body.case_id ?? null,
          location: body.location ?? null,
        },
        companyZone,
      );
      reply.status(created ? 201 : 200);
      return { ...presentBooking(booking, companyZone), existing: !created };
    },
  );

  app.get(
    "/v1/scheduling/bookings",
    {
      schema: {
        tags,
        summary: "Bookings made through Switchboard, soonest first",
        response: { 200: SchedulingBookingList },
        querystring: BookingsQuery,
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const q = request.query;
      const zone = await scheduling.zoneOf(tenantId);
      const from = q.from === undefined ? undefined : parseWallOrInstant(q.from, zone, "/querystring/from");
      const page = await scheduling.repository.listBookings(
        tenantId,
        {
          ...(from !== undefined ? { from } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.agent_id ? { agent_id: q.agent_id } : {}),
        },
        { limit: q.limit ?? 50, ...(q.cursor ? { cursor: q.cursor } : {}) },
      );
      return { data: page.data.map((b) => presentBooking(b, zone)), next_cursor: page.next_cursor };
    },
  );

  app.get(
    "/v1/scheduling/bookings/:id",
    {
      schema: {
        tags,
        summary: "One booking",
        response: { 200: SchedulingBookingSchema },
        params: Type.Object({ id: RecordId("apt") }),
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const booking = await scheduling.repository.getBooking(tenantId, request.params.id);
      if (!booking) throw notFound("booking");
      return presentBooking(booking, await scheduling.zoneOf(tenantId));
    },
  );

  app.post(
    "/v1/scheduling/bookings/:id/reschedule",
    {
      schema: {
        tags,
        summary: "Move a booking to another open slot",
        response: { 200: SchedulingBookingSchema },
        params: Type.Object({ id: RecordId("apt") }),
        body: RescheduleBody,
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const companyZone = await scheduling.zoneOf(tenantId);
      const zone = zoneParam(request.body.time_zone, companyZone, "/body/time_zone");
      const start = parseWallOrInstant(request.body.start, zone, "/body/start");
      const moved = await scheduling.bookings.reschedule(
        tenantId,
        request.params.id,
        start,
        request.body.reason ?? null,
        companyZone,
      );
      return presentBooking(moved, companyZone);
    },
  );

  app.post(
    "/v1/scheduling/bookings/:id/cancel",
    {
      schema: {
        tags,
        summary: "Cancel a booking",
        response: { 200: SchedulingBookingSchema },
        params: Type.Object({ id: RecordId("apt") }),
        body: CancelBody,
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const zone = await scheduling.zoneOf(tenantId);
      const cancelled = await scheduling.bookings.cancel(
        tenantId,
        request.params.id,
        request.body.reason ?? null,
        zone,
      );
      return presentBooking(cancelled, zone);
    },
  );
}

/**
 * Cal.com's booking webhooks: no API key (Cal.com has none of ours), the signature instead. Its
 * own scope, so the raw body reaches the signature check byte for byte.
 */
export async function schedulingHookRoutes(app: App, scheduling: Scheduling): Promise<void> {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) =>
    done(null, body),
  );
  app.post(
    "/v1/scheduling/hooks/:tenant_id",
    {
      schema: {
        tags,
        summary: "Cal.com booking webhooks (X-Cal-Signature-256 verified; 401 and no change otherwise)",
        response: { 200: HookReceipt },
        security: [],
        params: Type.Object({ tenant_id: RecordId("ten") }),
        body: Type.Unknown({ description: "Cal.com's webhook payload, as sent." }),
      },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body))
        throw new DomainError("validation_failed", "send the webhook as JSON");
      const signature = request.headers["x-cal-signature-256"];
      const outcome = await receiveCalcomHook(
        scheduling,
        request.params.tenant_id,
        request.body,
        typeof signature === "string" ? signature : undefined,
      );
      return { received: true, outcome };
    },
  );
}
