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
  AgentBody,
  AgentId,
  AvailabilityQuery,
  AvailabilitySchema,
  BookingBody,
  BookingsQuery,
  CancelBody,
  ConnectionBody,
  HookReceipt,
  RecordId,
  RescheduleBody,
  SchedulingAgentList,
  SchedulingAgentSchema,
  SchedulingBookingList,
  SchedulingBookingSchema,
  SchedulingConnectionSchema,
} from "./scheduling-schemas.js";

const tags = ["scheduling"];
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
