/**
 * A local Cal.com (API v2) for tests, benchmarks and the sandbox. It speaks the documented shapes:
 * bearer key (401 otherwise), the `cal-api-version` header on slots (2024-09-04), bookings
 * (2024-08-13) and event types (2024-06-14) — refused without it —, the `{status: "success", data}`
 * envelope and the `{status: "error", timestamp, path, error: {code, message}}` one. Slots come from
 * a weekly schedule in the schedule's zone (luxon, so DST days have the hours a wall clock has),
 * minus accepted bookings and the past. Webhook subscribers get `X-Cal-Signature-256` (hex
 * HMAC-SHA256 of the body keyed by the subscription's secret).
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DateTime } from "luxon";
import {
  DEFAULT_EVENT_TYPES,
  DEFAULT_SCHEDULE,
  type FakeBooking,
  type FakeEventType,
  scheduleSlots,
  type WeeklySchedule,
} from "./calcom-schedule.js";
import { deliverWebhook, webhookBody } from "./calcom-webhooks.js";
import { type FakeOptions, RateLimiter } from "./shared.js";

export {
  DEFAULT_EVENT_TYPES,
  DEFAULT_SCHEDULE,
  type FakeBooking,
  type FakeEventType,
  scheduleSlots,
  type Weekday,
  type WeeklySchedule,
} from "./calcom-schedule.js";

export interface FakeWebhook {
  id: number;
  subscriberUrl: string;
  triggers: string[];
  active: boolean;
  secret: string | null;
}

export interface CalcomFakeOptions extends Pick<FakeOptions, "port" | "rateLimitPerSecond"> {
  apiKey?: string;
  me?: { id: number; username: string; email: string; name: string; timeZone: string };
  schedule?: WeeklySchedule;
  eventTypes?: FakeEventType[];
  /** Added before every answer (a distant Cal.com). */
  latencyMs?: number;
  /** What "now" is for removing past slots; default the real clock. */
  now?: () => number;
  /** Post signed booking webhooks to subscribers when bookings change (as Cal.com does). */
  sendWebhooks?: boolean;
}

export interface CalcomFake {
  url: string;
  apiKey: string;
  bookings: FakeBooking[];
  webhooks: FakeWebhook[];
  eventTypes: FakeEventType[];
  /** Every request: method, path and the version header, to assert on what the client sent. */
  requests: Array<{ method: string; path: string; version: string | undefined; body: unknown }>;
  setLatency(ms: number): void;
  /** The next `count` requests to `pathPrefix` fail with this status (a failure injection). */
  failNext(pathPrefix: string, status: number, count?: number): void;
  /**
   * The next request to `pathPrefix` is carried out and its answer lost (the connection is cut):
   * what a caller sees when it crashes or times out after Cal.com acted.
   */
  dropAnswerNext(pathPrefix: string): void;
  /** Posts a signed webhook for a booking to every subscriber of the trigger; answers their statuses. */
  emit(trigger: string, booking: FakeBooking, extra?: Record<string, unknown>): Promise<number[]>;
  close(): Promise<void>;
}

const VERSIONED: Array<[RegExp, string]> = [
  [/^\/v2\/slots/, "2024-09-04"],
  [/^\/v2\/bookings/, "2024-08-13"],
  [/^\/v2\/event-types/, "2024-06-14"],
];

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startCalcomFake(options: CalcomFakeOptions = {}): Promise<CalcomFake> {
  const apiKey = options.apiKey ?? `cal_live_${randomBytes(12).toString("hex")}`;
  const me = options.me ?? {
    id: 42,
    username: "hartwell-intake",
    email: "intake@hartwell-law.example",
    name: "Hartwell Law Intake",
    timeZone: "America/Chicago",
  };
  const schedule = options.schedule ?? DEFAULT_SCHEDULE;
  const eventTypes = options.eventTypes ?? DEFAULT_EVENT_TYPES.map((e) => ({ ...e }));
  const now = options.now ?? Date.now;
  let latencyMs = options.latencyMs ?? 0;
  const bookings: FakeBooking[] = [];
  const webhooks: FakeWebhook[] = [];
  const requests: CalcomFake["requests"] = [];
  const failures: Array<{ prefix: string; status: number; left: number }> = [];
  const drops: string[] = [];
  const limiter = options.rateLimitPerSecond ? new RateLimiter(options.rateLimitPerSecond) : null;
  let nextId = 5000;

  const eventType = (id: number): FakeEventType => {
    const found = eventTypes.find((e) => e.id === id);
    if (!found) throw new HttpFailure(404, "NotFoundException", `Event type with id=${id} not found`);
    return found;
  };

  const openSlots = (type: FakeEventType, fromMs: number, toMs: number): number[] => {
    const taken = bookings.filter((b) => b.status === "accepted");
    const cutoff = now();
    return scheduleSlots(schedule, type.lengthInMinutes, fromMs, toMs).filter((start) => {
      if (start < cutoff) return false;
      const end = start + type.lengthInMinutes * 60_000;
      return !taken.some((b) => Date.parse(b.start) < end && Date.parse(b.end) > start);
    });
  };

  const emit: CalcomFake["emit"] = (trigger, booking, extra = {}) =>
    deliverWebhook(webhooks, trigger, webhookBody(trigger, booking, { me, eventTypes, now: now() }, extra));

  const notify = (trigger: string, booking: FakeBooking, extra?: Record<string, unknown>) => {
    if (options.sendWebhooks) void emit(trigger, booking, extra);
  };

  const handle = async (method: string, url: URL, body: unknown): Promise<[number, unknown]> => {
    const path = url.pathname;
    const q = url.searchParams;
    if (method === "GET" && path === "/v2/me") {
      return [
        200,
        { ...me, timeFormat: 12, defaultScheduleId: 1, weekStart: "Sunday", organizationId: null },
      ];
    }
    let m = path.match(/^\/v2\/event-types\/(\d+)$/);
    if (method === "GET" && m) return [200, eventType(Number(m[1]))];
    if (method === "GET" && path === "/v2/slots") {
      const type = eventType(Number(q.get("eventTypeId")));
      const fromMs = Date.parse(q.get("start") ?? "");
      const toMsRaw = Date.parse(q.get("end") ?? "");
      if (Number.isNaN(fromMs) || Number.isNaN(toMsRaw)) {
        throw new HttpFailure(400, "BadRequestException", "start and end must be valid ISO 8601 dates");
      }
      // A date-only end means the whole of that day.
      const toMs = /^\d{4}-\d{2}-\d{2}$/.test(q.get("end") ?? "") ? toMsRaw + 86_400_000 : toMsRaw;
      const zone = q.get("timeZone") ?? "UTC";
      const range = q.get("format") === "range";
      const byDate: Record<string, Array<{ start: string; end?: string }>> = {};
      for (const start of openSlots(type, fromMs, toMs)) {
        const local = DateTime.fromMillis(start, { zone });
        const date = local.toISODate() ?? "";
        const slot: { start: string; end?: string } = { start: local.toISO() ?? "" };
        if (range) slot.end = local.plus({ minutes: type.lengthInMinutes }).toISO() ?? "";
        byDate[date] = [...(byDate[date] ?? []), slot];
      }
      return [200, byDate];
    }
    if (method === "POST" && path === "/v2/bookings") {
      const input = asObject(body);
      const type = eventType(Number(input.eventTypeId));
      const attendee = asObject(input.attendee);
      if (typeof attendee.name !== "string" || typeof attendee.timeZone !== "string") {
        throw new HttpFailure(400, "BadRequestException", "attendee.name and attendee.timeZone are required");
      }
      if (typeof attendee.email !== "string" && typeof attendee.phoneNumber !== "string") {
        throw new HttpFailure(
          400,
          "BadRequestException",
          "attendee.email or attendee.phoneNumber is required",
        );
      }
      const start = Date.parse(String(input.start));
      if (!openSlots(type, start, start + 1).includes(start)) {
        throw new HttpFailure(
          400,
          "BadRequestException",
          "User either already has booking at this time or is not available",
        );
      }
      const booking: FakeBooking = {
        id: nextId++,
        uid: randomBytes(11).toString("base64url"),
        title: `${type.title} between ${me.name} and ${attendee.name}`,
        status: "accepted",
        start: new Date(start).toISOString(),
        end: new Date(start + type.lengthInMinutes * 60_000).toISOString(),
        duration: type.lengthInMinutes,
        eventTypeId: type.id,
        location: typeof input.location === "string" ? input.location : null,
        attendees: [attendee as FakeBooking["attendees"][number]],
        metadata: (asObject(input.metadata) as Record<string, string>) ?? {},
        rescheduledFromUid: null,
        cancellationReason: null,
        createdAt: new Date(now()).toISOString(),
      };
      bookings.push(booking);
      notify("BOOKING_CREATED", booking);
      return [201, booking];
    }
    if (method === "GET" && path === "/v2/bookings") {
      const after = q.get("afterStart") ? Date.parse(q.get("afterStart") ?? "") : null;
      const before = q.get("beforeEnd") ? Date.parse(q.get("beforeEnd") ?? "") : null;
      const list = bookings.filter(
        (b) =>
          (!q.get("eventTypeId") || b.eventTypeId === Number(q.get("eventTypeId"))) &&
          (after === null || Date.parse(b.start) >= after) &&
          (before === null || Date.parse(b.end) <= before) &&
          (!q.get("attendeeEmail") || b.attendees.some((a) => a.email === q.get("attendeeEmail"))),
      );
      return [200, list.slice(0, Number(q.get("take") ?? 100))];
    }
    m = path.match(/^\/v2\/bookings\/([^/]+)\/(reschedule|cancel)$/);
    if (method === "POST" && m) {
      const booking = bookings.find((b) => b.uid === m?.[1]);
      if (!booking) throw new HttpFailure(404, "NotFoundException", `Booking with uid=${m[1]} not found`);
      const input = asObject(body);
      if (booking.status === "cancelled") {
        throw new HttpFailure(400, "BadRequestException", "This booking has already been cancelled.");
      }
      if (m[2] === "cancel") {
        booking.status = "cancelled";
        booking.cancellationReason =
          typeof input.cancellationReason === "string" ? input.cancellationReason : null;
        notify("BOOKING_CANCELLED", booking);
        return [200, booking];
      }
      const type = eventType(booking.eventTypeId);
      const start = Date.parse(String(input.start));
      booking.status = "cancelled";
      if (!openSlots(type, start, start + 1).includes(start)) {
        booking.status = "accepted";
        throw new HttpFailure(
          400,
          "BadRequestException",
          "User either already has booking at this time or is not available",
        );
      }
      const moved: FakeBooking = {
        ...booking,
        id: nextId++,
        uid: randomBytes(11).toString("base64url"),
        status: "accepted",
        start: new Date(start).toISOString(),
        end: new Date(start + type.lengthInMinutes * 60_000).toISOString(),
        rescheduledFromUid: booking.uid,
        createdAt: new Date(now()).toISOString(),
      };
      bookings.push(moved);
      notify("BOOKING_RESCHEDULED", moved, { rescheduleUid: booking.uid, rescheduleId: booking.id });
      return [201, moved];
    }
    if (method === "POST" && path === "/v2/webhooks") {
      const input = asObject(body);
      if (typeof input.subscriberUrl !== "string" || !Array.isArray(input.triggers)) {
        throw new HttpFailure(400, "BadRequestException", "subscriberUrl and triggers are required");
      }
      const hook: FakeWebhook = {
        id: nextId++,
        subscriberUrl: input.subscriberUrl,
        triggers: input.triggers.map(String),
        active: input.active !== false,
        secret: typeof input.secret === "string" ? input.secret : null,
      };
      webhooks.push(hook);
      return [201, { ...hook, secret: undefined, userId: me.id }];
    }
    if (method === "GET" && path === "/v2/webhooks")
      return [200, webhooks.map((w) => ({ ...w, secret: undefined }))];
    m = path.match(/^\/v2\/webhooks\/(\d+)$/);
    if (method === "DELETE" && m) {
      const index = webhooks.findIndex((w) => w.id === Number(m?.[1]));
      if (index < 0) throw new HttpFailure(404, "NotFoundException", `Webhook with id=${m[1]} not found`);
      const [hook] = webhooks.splice(index, 1);
      return [200, { ...hook, secret: undefined }];
    }
    throw new HttpFailure(404, "NotFoundException", `Cannot ${method} ${path}`);
  };

  const server = createServer((req, res) => {
    void respond(req, res);
  });

  const respond = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://fake");
    const method = req.method ?? "GET";
    const version = req.headers["cal-api-version"] as string | undefined;
    let body: unknown = null;
    const text = Buffer.concat(chunks).toString("utf8");
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    requests.push({ method, path: url.pathname, version, body });
    if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs));
    const send = (status: number, payload: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(payload));
    };
    const fail = (status: number, code: string, message: string) =>
      send(status, {
        status: "error",
        timestamp: new Date().toISOString(),
        path: req.url,
        error: { code, message },
      });
    try {
      const wait = limiter?.take() ?? 0;
      if (wait > 0) {
        res.setHeader("retry-after", String(Math.ceil(wait / 1000)));
        return fail(429, "ThrottlerException", "ThrottlerException: Too Many Requests");
      }
      const failure = failures.find((f) => url.pathname.startsWith(f.prefix) && f.left > 0);
      if (failure) {
        failure.left -= 1;
        if (failure.status === 429) res.setHeader("retry-after", "1");
        return fail(
          failure.status,
          failure.status === 429 ? "ThrottlerException" : "InternalServerErrorException",
          "Injected failure",
        );
      }
      const auth = req.headers.authorization;
      const publicSlots = url.pathname === "/v2/slots" && auth === undefined;
      if (!publicSlots && auth !== `Bearer ${apiKey}`) {
        return fail(
          401,
          "UnauthorizedException",
          auth ? "Invalid API Key" : "No authorization header provided",
        );
      }
      const needed = VERSIONED.find(([re]) => re.test(url.pathname))?.[1];
      if (needed && version !== needed) {
        return fail(
          400,
          "BadRequestException",
          version
            ? `cal-api-version ${version} is not supported here; use ${needed}`
            : `cal-api-version header is required; use ${needed}`,
        );
      }
      const [status, data] = await handle(method, url, body);
      const drop = drops.findIndex((prefix) => url.pathname.startsWith(prefix));
      if (drop >= 0) {
        drops.splice(drop, 1);
        res.socket?.destroy();
        return;
      }
      send(status, { status: "success", data });
    } catch (error) {
      if (error instanceof HttpFailure) return fail(error.status, error.code, error.message);
      fail(500, "InternalServerErrorException", error instanceof Error ? error.message : String(error));
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiKey,
    bookings,
    webhooks,
    eventTypes,
    requests,
    setLatency(ms) {
      latencyMs = ms;
    },
    failNext(prefix, status, count = 1) {
      failures.push({ prefix, status, left: count });
    },
    dropAnswerNext(prefix) {
      drops.push(prefix);
    },
    emit,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
