import { describe, expect, it } from "vitest";
import { scheduleSlots } from "../../fakes/calcom.js";
import { calSignature, verifyCalSignature } from "../../src/domain/scheduling/signature.js";
import { availabilityWindow, nearestSlots, slotAt } from "../../src/domain/scheduling/slots.js";
import { dayBounds, inZone, isValidZone, parseWallOrInstant } from "../../src/domain/scheduling/time.js";

const utc = (ms: number) => new Date(ms).toISOString();
const parse = (text: string, zone: string) => parseWallOrInstant(text, zone, "/body/start");
const HOUR = 3_600_000;

describe("wall-clock times in a zone", () => {
  it("America/Chicago spring-forward: 02:30 does not exist, 01:30 is CST and 03:30 is CDT", () => {
    expect(() => parse("2026-03-08T02:30", "America/Chicago")).toThrow(/does not exist in America\/Chicago/);
    expect(utc(parse("2026-03-08T01:30", "America/Chicago"))).toBe("2026-03-08T07:30:00.000Z");
    expect(utc(parse("2026-03-08T03:30", "America/Chicago"))).toBe("2026-03-08T08:30:00.000Z");
  });

  it("America/Chicago fall-back: 01:30 happens twice — the first (CDT) unless an offset names the second", () => {
    expect(utc(parse("2026-11-01T01:30", "America/Chicago"))).toBe("2026-11-01T06:30:00.000Z");
    expect(utc(parse("2026-11-01T01:30:00-06:00", "America/Chicago"))).toBe("2026-11-01T07:30:00.000Z");
    expect(inZone(Date.parse("2026-11-01T06:30:00Z"), "America/Chicago")).toBe("2026-11-01T01:30:00-05:00");
    expect(inZone(Date.parse("2026-11-01T07:30:00Z"), "America/Chicago")).toBe("2026-11-01T01:30:00-06:00");
  });

  it("America/Phoenix keeps -07:00 all year: the nights Chicago skips and repeats are ordinary", () => {
    expect(utc(parse("2026-03-08T02:30", "America/Phoenix"))).toBe("2026-03-08T09:30:00.000Z");
    expect(utc(parse("2026-11-01T01:30", "America/Phoenix"))).toBe("2026-11-01T08:30:00.000Z");
    expect(inZone(Date.parse("2026-07-01T17:00:00Z"), "America/Phoenix")).toBe("2026-07-01T10:00:00-07:00");
    const day = dayBounds(Date.parse("2026-03-08T12:00:00Z"), "America/Phoenix");
    expect(day.end - day.start).toBe(24 * HOUR);
  });

  it("Europe/London: 01:30 is skipped on 29 March 2026 and repeated (BST first) on 25 October", () => {
    expect(() => parse("2026-03-29T01:30", "Europe/London")).toThrow(/does not exist/);
    expect(utc(parse("2026-03-29T02:30", "Europe/London"))).toBe("2026-03-29T01:30:00.000Z");
    expect(utc(parse("2026-10-25T01:30", "Europe/London"))).toBe("2026-10-25T00:30:00.000Z");
    expect(utc(parse("2026-10-25T01:30+00:00", "Europe/London"))).toBe("2026-10-25T01:30:00.000Z");
    expect(inZone(Date.parse("2026-01-15T10:00:00Z"), "Europe/London")).toBe(
      "2026-01-15T10:00:00Z".replace("Z", "+00:00"),
    );
  });

  it("Australia/Lord_Howe moves by half an hour: 02:15 is skipped on 4 Oct 2026, 01:45 repeated on 5 Apr 2026", () => {
    expect(() => parse("2026-10-04T02:15", "Australia/Lord_Howe")).toThrow(/does not exist/);
    expect(utc(parse("2026-10-04T02:30", "Australia/Lord_Howe"))).toBe("2026-10-03T15:30:00.000Z");
    expect(inZone(Date.parse("2026-10-03T15:30:00Z"), "Australia/Lord_Howe")).toBe(
      "2026-10-04T02:30:00+11:00",
    );
    expect(utc(parse("2026-04-05T01:45", "Australia/Lord_Howe"))).toBe("2026-04-04T14:45:00.000Z");
    expect(utc(parse("2026-04-05T01:45+10:30", "Australia/Lord_Howe"))).toBe("2026-04-04T15:15:00.000Z");
  });

  it("a calendar day is 23, 25 or 23.5 hours long on the DST days", () => {
    const chicagoSpring = dayBounds(Date.parse("2026-03-08T18:00:00Z"), "America/Chicago");
    expect(chicagoSpring.end - chicagoSpring.start).toBe(23 * HOUR);
    const chicagoFall = dayBounds(Date.parse("2026-11-01T18:00:00Z"), "America/Chicago");
    expect(chicagoFall.end - chicagoFall.start).toBe(25 * HOUR);
    const lordHowe = dayBounds(Date.parse("2026-10-04T01:00:00Z"), "Australia/Lord_Howe");
    expect(lordHowe.end - lordHowe.start).toBe(23.5 * HOUR);
  });

  it("instants keep their own offset; dates are the zone's midnight; other text is refused", () => {
    expect(utc(parse("2026-06-10T14:00:00Z", "America/Chicago"))).toBe("2026-06-10T14:00:00.000Z");
    expect(utc(parse("2026-06-10", "America/Chicago"))).toBe("2026-06-10T05:00:00.000Z");
    expect(() => parse("tomorrow at 2", "America/Chicago")).toThrow(/not an ISO-8601 time/);
    expect(() => parse("2026-02-30T10:00", "America/Chicago")).toThrow(/not a valid time/);
    expect(isValidZone("America/Chicago")).toBe(true);
    expect(isValidZone("Mars/Olympus")).toBe(false);
  });
});

describe("slots", () => {
  const slots = [9, 10, 11, 14, 15].map((h) => ({ start: h * HOUR, end: h * HOUR + HOUR / 2 }));

  it("names the three open slots nearest a start that is not open, in time order", () => {
    expect(slotAt(slots, 12 * HOUR)).toBeNull();
    expect(nearestSlots(slots, 12 * HOUR).map((s) => s.start / HOUR)).toEqual([10, 11, 14]);
    expect(nearestSlots(slots, 0).map((s) => s.start / HOUR)).toEqual([9, 10, 11]);
    expect(nearestSlots([], 0)).toEqual([]);
    expect(slotAt(slots, 14 * HOUR)?.start).toBe(14 * HOUR);
  });

  it("asks for a week from now by default and refuses backwards or month-long windows", () => {
    expect(availabilityWindow(undefined, undefined, 1000)).toEqual({
      start: 1000,
      end: 1000 + 7 * 24 * HOUR,
    });
    expect(() => availabilityWindow(2000, 1000, 0)).toThrow(/end must be after start/);
    expect(() => availabilityWindow(0, 32 * 24 * HOUR, 0)).toThrow(/at most 31 days/);
  });
});

describe("the fake's weekly schedule across DST", () => {
  it("a 01:00–04:00 Chicago Sunday has four 30-minute slots on spring-forward night (02:00–03:00 never happens)", () => {
    const schedule = {
      timeZone: "America/Chicago",
      hours: { sun: [["01:00", "04:00"]] as Array<[string, string]> },
    };
    const starts = scheduleSlots(
      schedule,
      30,
      Date.parse("2026-03-08T00:00:00Z"),
      Date.parse("2026-03-09T00:00:00Z"),
    );
    expect(starts.map((s) => inZone(s, "America/Chicago"))).toEqual([
      "2026-03-08T01:00:00-06:00",
      "2026-03-08T01:30:00-06:00",
      "2026-03-08T03:00:00-05:00",
      "2026-03-08T03:30:00-05:00",
    ]);
  });

  it("9–17 on a London weekday is 16 half-hour slots on both sides of the change", () => {
    const schedule = {
      timeZone: "Europe/London",
      hours: { mon: [["09:00", "17:00"]] as Array<[string, string]> },
    };
    const before = scheduleSlots(
      schedule,
      30,
      Date.parse("2026-03-23T00:00:00Z"),
      Date.parse("2026-03-24T00:00:00Z"),
    );
    const after = scheduleSlots(
      schedule,
      30,
      Date.parse("2026-03-30T00:00:00Z"),
      Date.parse("2026-03-31T00:00:00Z"),
    );
    expect(before).toHaveLength(16);
    expect(after).toHaveLength(16);
    expect(utc(before[0] as number)).toBe("2026-03-23T09:00:00.000Z");
    expect(utc(after[0] as number)).toBe("2026-03-30T08:00:00.000Z");
  });
});

describe("X-Cal-Signature-256", () => {
  it("accepts the hex HMAC-SHA256 of the body and nothing else", () => {
    const body = '{"triggerEvent":"BOOKING_CANCELLED"}';
    const signature = calSignature(body, "s3cret");
    expect(verifyCalSignature(body, "s3cret", signature)).toBe(true);
    expect(verifyCalSignature(body, "s3cret", signature.toUpperCase())).toBe(true);
    expect(verifyCalSignature(`${body} `, "s3cret", signature)).toBe(false);
    expect(verifyCalSignature(body, "other", signature)).toBe(false);
    expect(verifyCalSignature(body, "s3cret", undefined)).toBe(false);
    expect(verifyCalSignature(body, "s3cret", "sha256=abc")).toBe(false);
  });
});
