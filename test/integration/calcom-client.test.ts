import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalcomFake, startCalcomFake } from "../../fakes/calcom.js";
import { CalcomProvider } from "../../src/integrations/scheduling/calcom/index.js";
import { SchedulingError } from "../../src/integrations/scheduling/provider.js";

/** The Cal.com client against the fake: the headers it sends, the shapes it reads, the errors it maps. */
describe("Cal.com client against the fake", () => {
  let fake: CalcomFake;
  let provider: CalcomProvider;

  beforeAll(async () => {
    fake = await startCalcomFake();
    provider = new CalcomProvider({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 2_000 });
  });
  afterAll(async () => {
    await fake?.close();
  });

  const failure = async (p: Promise<unknown>): Promise<SchedulingError> => {
    const error = await p.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof SchedulingError))
      throw new Error(`expected a SchedulingError, got ${String(error)}`);
    return error;
  };

  it("sends the bearer key and each endpoint family's cal-api-version", async () => {
    const account = await provider.me();
    expect(account).toEqual({
      id: "42",
      name: "Hartwell Law Intake",
      email: "intake@hartwell-law.example",
      timeZone: "America/Chicago",
    });
    expect((await provider.eventType(1001)).lengthMinutes).toBe(30);
    const start = new Date(Date.now() + 86_400_000).toISOString();
    const end = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const slots = await provider.slots({ eventTypeId: 1001, start, end });
    expect(slots.length).toBeGreaterThan(0);
    expect(slots[0]?.start).toMatch(/Z$/);
    expect(Date.parse(slots[0]?.end ?? "") - Date.parse(slots[0]?.start ?? "")).toBe(30 * 60_000);
    const booked = await provider.book({
      eventTypeId: 1001,
      start: slots[0]?.start ?? "",
      attendee: {
        name: "Maria Delgado",
        email: null,
        phoneNumber: "+13125550187",
        timeZone: "America/Chicago",
        language: null,
      },
      metadata: { switchboard_booking_id: "apt_1" },
      location: null,
    });
    expect(booked).toMatchObject({
      status: "accepted",
      start: slots[0]?.start,
      metadata: { switchboard_booking_id: "apt_1" },
    });
    const found = await provider.findBookings({ eventTypeId: 1001, afterStart: start, beforeEnd: end });
    expect(found.map((b) => b.uid)).toEqual([booked.uid]);
    const moved = await provider.reschedule(booked.uid, slots[2]?.start ?? "", "caller asked");
    expect(moved.rescheduledFromUid).toBe(booked.uid);
    expect((await provider.cancel(moved.uid, null)).status).toBe("cancelled");
    const versions = Object.fromEntries(
      fake.requests.map((r) => [
        `${r.method} ${r.path.replace(/\/[^/]+\/(reschedule|cancel)$/, "/{uid}/$1")}`,
        r.version,
      ]),
    );
    expect(versions).toMatchObject({
      "GET /v2/me": undefined,
      "GET /v2/event-types/1001": "2024-06-14",
      "GET /v2/slots": "2024-09-04",
      "POST /v2/bookings": "2024-08-13",
      "GET /v2/bookings": "2024-08-13",
      "POST /v2/bookings/{uid}/reschedule": "2024-08-13",
      "POST /v2/bookings/{uid}/cancel": "2024-08-13",
    });
  });

  it("the fake refuses a call without the version header, like Cal.com", async () => {
    const answer = await request(`${fake.url}/v2/bookings`, {
      headers: { authorization: `Bearer ${fake.apiKey}` },
    });
    expect(answer.statusCode).toBe(400);
    const body = (await answer.body.json()) as { status: string; error: { code: string; message: string } };
    expect(body.status).toBe("error");
    expect(body.error.message).toContain("cal-api-version");
  });

  it("maps Cal.com's error envelope: 401 auth, 404 not_found with its words, 429 rate_limited with Retry-After, 5xx unavailable", async () => {
    const badKey = await failure(new CalcomProvider({ apiKey: "cal_live_nope", baseUrl: fake.url }).me());
    expect(badKey).toMatchObject({
      kind: "auth",
      status: 401,
      vendorCode: "UnauthorizedException",
      vendorMessage: "Invalid API Key",
    });
    const unknown = await failure(provider.eventType(999));
    expect(unknown).toMatchObject({ kind: "not_found", vendorMessage: "Event type with id=999 not found" });
    fake.failNext("/v2/slots", 429);
    const limited = await failure(
      provider.slots({
        eventTypeId: 1001,
        start: new Date().toISOString(),
        end: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    expect(limited).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 1000 });
    fake.failNext("/v2/me", 503);
    expect(await failure(provider.me())).toMatchObject({ kind: "unavailable", status: 503 });
  });

  it("a dead host or a slow one is unavailable, never a hang", async () => {
    const dead = await failure(new CalcomProvider({ apiKey: "k", baseUrl: "http://127.0.0.1:9" }).me());
    expect(dead.kind).toBe("unavailable");
    fake.setLatency(500);
    try {
      const slow = await failure(
        new CalcomProvider({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 100 }).me(),
      );
      expect(slow.kind).toBe("unavailable");
    } finally {
      fake.setLatency(0);
    }
  });

  it("never shows the key when logged", () => {
    expect(JSON.stringify(provider)).not.toContain(fake.apiKey);
    expect(JSON.stringify(provider)).toContain("[redacted]");
  });
});
