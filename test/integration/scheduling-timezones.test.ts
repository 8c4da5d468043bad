import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CalcomFake, startCalcomFake, type WeeklySchedule } from "../../fakes/calcom.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../helpers/server.js";
import { storeKinds } from "../helpers/stores.js";

/**
 * Availability and booking through the API on the nights clocks change, in zones that move by an
 * hour (Chicago, London), not at all (Phoenix) and by half an hour (Lord Howe). Each firm's
 * Cal.com works a Sunday night shift in its own zone; slots are 30 minutes.
 */
describe.each(storeKinds())("scheduling across DST on %s", (kind) => {
  let sb: TestServer;
  const fakes: CalcomFake[] = [];

  beforeAll(async () => {
    sb = await startTestServer(kind, {}, "api");
  });
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.close()));
    await sb?.stop();
  });

  async function firm(zone: string, night: [string, string]) {
    const schedule: WeeklySchedule = { timeZone: zone, hours: { sun: [night] } };
    const fake = await startCalcomFake({ schedule });
    fakes.push(fake);
    const tenant = await sb.call("POST", "/v1/tenants", {
      key: ADMIN_KEY,
      body: { name: zone, timezone: zone },
    });
    const key = (await sb.call("POST", `/v1/tenants/${tenant.body.id}/keys`, { key: ADMIN_KEY })).body
      .key as string;
    const call = (method: string, path: string, body?: unknown) =>
      sb.call(method, path, { key, ...(body === undefined ? {} : { body }) });
    expect(
      (
        await call("PUT", "/v1/scheduling/connection", {
          provider: "calcom",
          api_key: fake.apiKey,
          base_url: fake.url,
        })
      ).status,
    ).toBe(200);
    expect(
      (await call("PUT", "/v1/scheduling/agents/agt_night", { booking_enabled: true, event_type_id: 1001 }))
        .status,
    ).toBe(200);
    const slots = async (day: string, next: string): Promise<string[]> => {
      const res = await call(
        "GET",
        `/v1/scheduling/availability?agent_id=agt_night&start=${day}&end=${next}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.time_zone).toBe(zone);
      return res.body.data.map((s: { start: string }) => s.start);
    };
    const book = (start: string, callId: string) =>
      call("POST", "/v1/scheduling/bookings", {
        agent_id: "agt_night",
        start,
        attendee: { name: "Night Caller", phone: "+13125550100" },
        call_id: callId,
      });
    return { fake, call, slots, book };
  }

  it("America/Chicago: spring-forward night has no 02:xx slots and the offset turns from -06:00 to -05:00", async () => {
    const chicago = await firm("America/Chicago", ["00:00", "05:00"]);
    expect(await chicago.slots("2027-03-14", "2027-03-15")).toEqual([
      "2027-03-14T00:00:00-06:00",
      "2027-03-14T00:30:00-06:00",
      "2027-03-14T01:00:00-06:00",
      "2027-03-14T01:30:00-06:00",
      "2027-03-14T03:00:00-05:00",
      "2027-03-14T03:30:00-05:00",
      "2027-03-14T04:00:00-05:00",
      "2027-03-14T04:30:00-05:00",
    ]);
    const skipped = await chicago.book("2027-03-14T02:30", "call_chi_gap");
    expect(skipped.status).toBe(422);
    expect(skipped.body.error.message).toContain("does not exist in America/Chicago");
  });

  it("America/Chicago: fall-back night offers 01:00 and 01:30 twice; a local 01:30 books the first, an offset the second", async () => {
    const chicago = await firm("America/Chicago", ["00:00", "03:00"]);
    expect(await chicago.slots("2027-11-07", "2027-11-08")).toEqual([
      "2027-11-07T00:00:00-05:00",
      "2027-11-07T00:30:00-05:00",
      "2027-11-07T01:00:00-05:00",
      "2027-11-07T01:30:00-05:00",
      "2027-11-07T01:00:00-06:00",
      "2027-11-07T01:30:00-06:00",
      "2027-11-07T02:00:00-06:00",
      "2027-11-07T02:30:00-06:00",
    ]);
    const firstPass = await chicago.book("2027-11-07T01:30", "call_chi_first");
    expect(firstPass.status).toBe(201);
    expect(firstPass.body.start).toBe("2027-11-07T01:30:00-05:00");
    const secondPass = await chicago.book("2027-11-07T01:30-06:00", "call_chi_second");
    expect(secondPass.status).toBe(201);
    expect(secondPass.body.start).toBe("2027-11-07T01:30:00-06:00");
    expect(chicago.fake.bookings.map((b) => b.start)).toEqual([
      "2027-11-07T06:30:00.000Z",
      "2027-11-07T07:30:00.000Z",
    ]);
  });

  it("America/Phoenix: the same night is ten ordinary slots at -07:00", async () => {
    const phoenix = await firm("America/Phoenix", ["00:00", "05:00"]);
    const slots = await phoenix.slots("2027-03-14", "2027-03-15");
    expect(slots).toHaveLength(10);
    expect(slots.every((s) => s.endsWith("-07:00"))).toBe(true);
    const booked = await phoenix.book("2027-03-14T02:30", "call_phx");
    expect(booked.status).toBe(201);
    expect(phoenix.fake.bookings[0]?.start).toBe("2027-03-14T09:30:00.000Z");
  });

  it("Europe/London: 01:xx is skipped in March and repeated (+01:00 then +00:00) in October", async () => {
    const london = await firm("Europe/London", ["00:00", "03:00"]);
    expect(await london.slots("2027-03-28", "2027-03-29")).toEqual([
      "2027-03-28T00:00:00+00:00",
      "2027-03-28T00:30:00+00:00",
      "2027-03-28T02:00:00+01:00",
      "2027-03-28T02:30:00+01:00",
    ]);
    const autumn = await london.slots("2027-10-31", "2027-11-01");
    expect(autumn).toHaveLength(8);
    expect(autumn.slice(2, 6)).toEqual([
      "2027-10-31T01:00:00+01:00",
      "2027-10-31T01:30:00+01:00",
      "2027-10-31T01:00:00+00:00",
      "2027-10-31T01:30:00+00:00",
    ]);
  });

  it("Australia/Lord_Howe: the clocks skip 02:00–02:30 in October and repeat 01:30–02:00 in April", async () => {
    const lordHowe = await firm("Australia/Lord_Howe", ["00:00", "04:00"]);
    expect(await lordHowe.slots("2027-10-03", "2027-10-04")).toEqual([
      "2027-10-03T00:00:00+10:30",
      "2027-10-03T00:30:00+10:30",
      "2027-10-03T01:00:00+10:30",
      "2027-10-03T01:30:00+10:30",
      "2027-10-03T02:30:00+11:00",
      "2027-10-03T03:00:00+11:00",
      "2027-10-03T03:30:00+11:00",
    ]);
    const april = await lordHowe.slots("2027-04-04", "2027-04-05");
    expect(april.filter((s) => s.startsWith("2027-04-04T01:30"))).toEqual([
      "2027-04-04T01:30:00+11:00",
      "2027-04-04T01:30:00+10:30",
    ]);
    const booked = await lordHowe.book("2027-04-04T01:30+10:30", "call_lhi");
    expect(booked.status).toBe(201);
    expect(booked.body.start).toBe("2027-04-04T01:30:00+10:30");
  });
});
