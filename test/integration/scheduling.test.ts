import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalcomFake, startCalcomFake } from "../../fakes/calcom.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/** Scheduling through the API against the local Cal.com fake, on every store. */
describe.each(storeKinds())("scheduling with Cal.com on %s", (kind) => {
  let sb: TestServer;
  let fake: CalcomFake;
  let key: string;
  let tenantId: string;

  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
    fake = await startCalcomFake();
    const tenant = await sb.call("POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: "Hartwell Law", timezone: "America/Chicago" },
    });
    tenantId = tenant.body.id;
    key = (await sb.call("POST", `/v1/tenants/${tenantId}/keys`, { key: ADMIN_KEY })).body.key;
  });
  afterAll(async () => {
    await fake?.close();
    await sb?.stop();
  });

  const call = (method: string, path: string, body?: unknown) =>
    sb.call(method, path, { key, ...(body === undefined ? {} : { body }) });
  const availability = async (query = "") =>
    call("GET", `/v1/scheduling/availability?agent_id=agt_ava${query}`);

  it("a wrong key answers 422 credentials_refused with Cal.com's reason and stays not connected", async () => {
    const res = await call("PUT", "/v1/scheduling/connection", {
      provider: "calcom",
      api_key: "cal_live_wrong",
      base_url: fake.url,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("credentials_refused");
    expect(res.body.error.message).toContain("Invalid API Key");
    expect(res.body.error.details.vendor_status).toBe(401);
    expect((await call("GET", "/v1/scheduling/connection")).body).toEqual({ connected: false });
  });

  it("before connecting, availability answers 409 not_connected", async () => {
    const res = await availability();
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("not_connected");
  });

  it("connects with a good key: connected as the account, key masked, webhooks subscribed", async () => {
    const res = await call("PUT", "/v1/scheduling/connection", {
      provider: "calcom",
      api_key: fake.apiKey,
      base_url: fake.url,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      connected: true,
      provider: "calcom",
      account: { name: "Hartwell Law Intake", email: "intake@hartwell-law.example" },
      api_key: `••••${fake.apiKey.slice(-4)}`,
      webhook: { subscribed: true, error: null },
    });
    expect(JSON.stringify(res.body)).not.toContain(fake.apiKey);
    expect(fake.webhooks).toHaveLength(1);
    expect(fake.webhooks[0]?.subscriberUrl).toBe(`${sb.url}/v1/scheduling/hooks/${tenantId}`);
    expect(fake.webhooks[0]?.triggers).toEqual([
      "BOOKING_CREATED",
      "BOOKING_RESCHEDULED",
      "BOOKING_CANCELLED",
    ]);
    const again = await call("GET", "/v1/scheduling/connection");
    expect(again.body.connected).toBe(true);
    expect(JSON.stringify(again.body)).not.toContain(fake.apiKey);
  });

  it("an unknown event type is refused on save with Cal.com's message; booking needs an event type", async () => {
    const unknown = await call("PUT", "/v1/scheduling/agents/agt_ava", {
      booking_enabled: true,
      event_type_id: 999,
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe("provider_refused");
    expect(unknown.body.error.message).toContain("Event type with id=999 not found");
    const missing = await call("PUT", "/v1/scheduling/agents/agt_ava", {
      booking_enabled: true,
      event_type_id: null,
    });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.path).toBe("/body/event_type_id");
  });

  it("an agent whose booking is off answers 409 booking_disabled for availability and booking", async () => {
    const off = await call("PUT", "/v1/scheduling/agents/agt_ava", {
      booking_enabled: false,
      event_type_id: 1001,
    });
    expect(off.status).toBe(200);
    expect(off.body.event_type).toEqual({ id: 1001, title: "Free consultation", length_minutes: 30 });
    const res = await availability();
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("booking_disabled");
    const book = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: "2030-01-07T10:00",
      attendee: { name: "Maria Delgado", phone: "+13125550187" },
    });
    expect(book.status).toBe(409);
    expect(book.body.error.code).toBe("booking_disabled");
    const on = await call("PUT", "/v1/scheduling/agents/agt_ava", {
      booking_enabled: true,
      event_type_id: 1001,
    });
    expect(on.body.booking_enabled).toBe(true);
    const list = await call("GET", "/v1/scheduling/agents");
    expect(list.body.data).toEqual([expect.objectContaining({ agent_id: "agt_ava", booking_enabled: true })]);
  });

  it("availability is in the company's zone, asked with the slots version header, and cached", async () => {
    const before = fake.requests.filter((r) => r.path === "/v2/slots").length;
    const res = await availability();
    expect(res.status).toBe(200);
    expect(res.body.time_zone).toBe("America/Chicago");
    expect(res.body.data.length).toBeGreaterThan(10);
    for (const slot of res.body.data.slice(0, 5)) {
      expect(slot.start).toMatch(/T(09|1[0-6]):[03]0:00-0[56]:00$/);
    }
    const again = await availability();
    expect(again.body.data).toEqual(res.body.data);
    const slotCalls = fake.requests.filter((r) => r.path === "/v2/slots");
    expect(slotCalls.length).toBe(before + 1);
    expect(slotCalls.at(-1)?.version).toBe("2024-09-04");
  });

  let first: { id: string; start: string };

  it("books an open slot (201), emits appointment.booked, and the slot is no longer offered", async () => {
    const slots = (await availability()).body.data;
    const res = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: slots[0].start,
      attendee: { name: "Maria Delgado", phone: "+13125550187", email: "maria@example.com" },
      call_id: "call_7Hq2mX9kT4",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "booked", start: slots[0].start, call_id: "call_7Hq2mX9kT4" });
    first = res.body;
    expect(fake.bookings).toHaveLength(1);
    expect(fake.bookings[0]?.metadata).toMatchObject({
      switchboard_booking_id: res.body.id,
      call_id: "call_7Hq2mX9kT4",
    });
    expect(fake.requests.find((r) => r.path === "/v2/bookings" && r.method === "POST")?.version).toBe(
      "2024-08-13",
    );
    const after = (await availability()).body.data;
    expect(after.map((s: { start: string }) => s.start)).not.toContain(slots[0].start);
    const events = await call("GET", "/v1/events?type=appointment.booked");
    expect(events.body.data).toHaveLength(1);
  });

  it("the same call_id never books twice: the first booking is answered (200)", async () => {
    const slots = (await availability()).body.data;
    const res = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: slots[3].start,
      attendee: { name: "Maria Delgado", phone: "+13125550187" },
      call_id: "call_7Hq2mX9kT4",
    });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(first.id);
    expect(res.body.existing).toBe(true);
    expect(fake.bookings).toHaveLength(1);
  });

  it("a start outside availability answers 409 naming the nearest open slots", async () => {
    const res = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: first.start,
      attendee: { name: "Andre Williams", email: "andre@example.com" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("slot_unavailable");
    expect(res.body.error.details.nearest).toHaveLength(3);
    expect(res.body.error.message).toContain(res.body.error.details.nearest[0].start);
  });

  it("a local time the zone skips is refused naming the zone", async () => {
    const res = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: "2027-03-14T02:30",
      attendee: { name: "Andre Williams", email: "andre@example.com" },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain("does not exist in America/Chicago");
  });

  it("after an answer lost between Cal.com and us, the retry finds the booking instead of making another", async () => {
    const slots = (await availability()).body.data;
    fake.dropAnswerNext("/v2/bookings");
    const body = {
      agent_id: "agt_ava",
      start: slots[1].start,
      attendee: { name: "Andre Williams", email: "andre@example.com" },
      call_id: "call_lost_answer",
    };
    const lost = await call("POST", "/v1/scheduling/bookings", body);
    expect(lost.status).toBe(503);
    expect(lost.body.error.code).toBe("provider_unavailable");
    expect(fake.bookings).toHaveLength(2);
    const retry = await call("POST", "/v1/scheduling/bookings", body);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ status: "booked", start: slots[1].start, existing: true });
    expect(fake.bookings).toHaveLength(2);
    expect(retry.body.provider_booking_id).toBe(fake.bookings[1]?.uid);
  });

  it("two requests for the same call at once: one books, the other answers 409 while Cal.com is still answering", async () => {
    const slots = (await availability()).body.data;
    const before = fake.bookings.length;
    const body = {
      agent_id: "agt_ava",
      start: slots[4].start,
      attendee: { name: "Dana Reyes", email: "dana@example.com" },
      call_id: "call_twice_at_once",
    };
    fake.setLatency(600);
    try {
      const first = call("POST", "/v1/scheduling/bookings", body);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const second = call("POST", "/v1/scheduling/bookings", body);
      const answers = await Promise.all([first, second]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      expect(answers.find((a) => a.status === 409)?.body.error.code).toBe("conflict");
    } finally {
      fake.setLatency(0);
    }
    expect(fake.bookings.length).toBe(before + 1);
    const again = await call("POST", "/v1/scheduling/bookings", body);
    expect(again.status).toBe(200);
  });

  it("reschedules to another open slot: Cal.com moves it and appointment.rescheduled is emitted", async () => {
    const slots = (await availability()).body.data;
    const target = slots[5].start;
    const res = await call("POST", `/v1/scheduling/bookings/${first.id}/reschedule`, {
      start: target,
      reason: "Client has a doctor's appointment",
    });
    expect(res.status).toBe(200);
    expect(res.body.start).toBe(target);
    expect(fake.bookings.find((b) => b.uid === res.body.provider_booking_id)?.status).toBe("accepted");
    const events = await call("GET", "/v1/events?type=appointment.rescheduled");
    expect(events.body.data).toHaveLength(1);
    const event = await call("GET", `/v1/events/${events.body.data[0].id}`);
    expect(event.body.data).toMatchObject({
      appointment_id: first.id,
      starts_at: target,
      previous_starts_at: first.start,
      call_id: "call_7Hq2mX9kT4",
    });
  });

  it("a Cal.com webhook with a bad signature is refused (401) and changes nothing", async () => {
    const booking = fake.bookings.find(
      (b) => b.metadata.switchboard_booking_id === first.id && b.status === "accepted",
    );
    const body = JSON.stringify({
      triggerEvent: "BOOKING_CANCELLED",
      payload: { uid: booking?.uid, metadata: booking?.metadata },
    });
    const res = await fetch(`${sb.url}/v1/scheduling/hooks/${tenantId}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-cal-signature-256": "0".repeat(64) },
      body,
    });
    expect(res.status).toBe(401);
    const unsigned = await fetch(`${sb.url}/v1/scheduling/hooks/${tenantId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(unsigned.status).toBe(401);
    expect((await call("GET", `/v1/scheduling/bookings/${first.id}`)).body.status).toBe("booked");
  });

  it("a cancellation made in Cal.com arrives signed and becomes appointment.cancelled on the client's timeline", async () => {
    const client = await call("POST", "/v1/clients", { first_name: "Andre", last_name: "Williams" });
    expect(client.status).toBe(201);
    const slots = (await availability()).body.data;
    const booked = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: slots[2].start,
      attendee: { name: "Andre Williams", email: "andre@example.com" },
      call_id: "call_cancel_in_calcom",
      client_id: client.body.id,
    });
    expect(booked.status).toBe(201);
    const atCalcom = fake.bookings.find((b) => b.uid === booked.body.provider_booking_id);
    if (!atCalcom) throw new Error("not booked at the fake");
    atCalcom.status = "cancelled";
    atCalcom.cancellationReason = "Client retained another firm";
    expect(await fake.emit("BOOKING_CANCELLED", atCalcom)).toEqual([200]);
    expect((await call("GET", `/v1/scheduling/bookings/${booked.body.id}`)).body.status).toBe("cancelled");
    const events = await call("GET", "/v1/events?type=appointment.cancelled");
    const event = await call("GET", `/v1/events/${events.body.data[0].id}`);
    expect(event.body.data).toMatchObject({
      appointment_id: booked.body.id,
      call_id: "call_cancel_in_calcom",
      client_id: client.body.id,
      reason: "Client retained another firm",
    });
    const timeline = await call("GET", `/v1/clients/${client.body.id}/timeline`);
    expect(timeline.body.data.map((e: { event: { type: string } }) => e.event.type)).toEqual([
      "appointment.cancelled",
      "appointment.booked",
      "client.created",
    ]);
    // The same webhook again (Cal.com retries) changes nothing and emits nothing more.
    await fake.emit("BOOKING_CANCELLED", atCalcom);
    expect((await call("GET", "/v1/events?type=appointment.cancelled")).body.data).toHaveLength(1);
  });

  it("a reschedule made in Cal.com arrives signed and becomes appointment.rescheduled with our ids", async () => {
    const slots = (await availability()).body.data;
    const booked = await call("POST", "/v1/scheduling/bookings", {
      agent_id: "agt_ava",
      start: slots[6].start,
      attendee: { name: "Luis Ortega", phone: "+13125550199" },
      call_id: "call_moved_in_calcom",
    });
    expect(booked.status).toBe(201);
    // Someone at the firm moves it in Cal.com itself.
    const moved = await fetch(`${fake.url}/v2/bookings/${booked.body.provider_booking_id}/reschedule`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${fake.apiKey}`,
        "cal-api-version": "2024-08-13",
        "content-type": "application/json",
      },
      body: JSON.stringify({ start: new Date(Date.parse(slots[7].start)).toISOString() }),
    });
    expect(moved.status).toBe(201);
    const atCalcom = fake.bookings.at(-1);
    if (!atCalcom) throw new Error("no moved booking");
    expect(
      await fake.emit("BOOKING_RESCHEDULED", atCalcom, {
        rescheduleUid: booked.body.provider_booking_id,
        rescheduleReason: "Attorney in court",
      }),
    ).toEqual([200]);
    const now = await call("GET", `/v1/scheduling/bookings/${booked.body.id}`);
    expect(now.body).toMatchObject({
      status: "booked",
      start: slots[7].start,
      provider_booking_id: atCalcom.uid,
    });
    const events = await call("GET", "/v1/events?type=appointment.rescheduled");
    const event = await call("GET", `/v1/events/${events.body.data[0].id}`);
    expect(event.body.data).toMatchObject({
      appointment_id: booked.body.id,
      call_id: "call_moved_in_calcom",
      starts_at: slots[7].start,
      previous_starts_at: slots[6].start,
      reason: "Attorney in court",
    });
  });

  it("lists bookings soonest first and cancels through the API", async () => {
    const list = await call("GET", "/v1/scheduling/bookings?status=booked");
    expect(list.status).toBe(200);
    const starts = list.body.data.map((b: { start: string }) => Date.parse(b.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const cancelled = await call("POST", `/v1/scheduling/bookings/${first.id}/cancel`, {
      reason: "Changed plans",
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    const twice = await call("POST", `/v1/scheduling/bookings/${first.id}/cancel`, {});
    expect(twice.status).toBe(409);
  });

  it("every scheduling route is in the OpenAPI document", async () => {
    const doc = await sb.call("GET", "/openapi.json");
    const paths = Object.keys(doc.body.paths);
    for (const path of [
      "/v1/scheduling/connection",
      "/v1/scheduling/agents/{agent_id}",
      "/v1/scheduling/agents",
      "/v1/scheduling/availability",
      "/v1/scheduling/bookings",
      "/v1/scheduling/bookings/{id}",
      "/v1/scheduling/bookings/{id}/reschedule",
      "/v1/scheduling/bookings/{id}/cancel",
      "/v1/scheduling/hooks/{tenant_id}",
    ]) {
      expect(paths).toContain(path);
    }
  });

  it("disconnects: the webhook subscription is removed and the state is not connected", async () => {
    const res = await call("DELETE", "/v1/scheduling/connection");
    expect(res.status).toBe(200);
    expect(fake.webhooks).toHaveLength(0);
    expect((await call("GET", "/v1/scheduling/connection")).body).toEqual({ connected: false });
  });
});
