import { describe, expect, it } from "vitest";
import { deliveryState, HELD_UNTIL_ENABLED } from "../../src/domain/delivery-state.js";
import { AWAITING_TURN, ORDERING_KEY_PATTERN, orderingKeyOf } from "../../src/domain/ordering.js";

const NOW = 1_700_000_000_000;

describe("orderingKeyOf", () => {
  it("reads strings and finite numbers at a data path; numbers as JSON writes them", () => {
    expect(orderingKeyOf({ call_id: "call_1" }, "data.call_id")).toBe("call_1");
    expect(orderingKeyOf({ lead: { id: 7 } }, "data.lead.id")).toBe("7");
    expect(orderingKeyOf({ lead: { id: 7.5 } }, "data.lead.id")).toBe("7.5");
    expect(orderingKeyOf({ items: [{ id: "a" }] }, "data.items.0.id")).toBe("a");
  });

  it("leaves the event unordered when the key is missing, null, empty, a list or an object", () => {
    expect(orderingKeyOf({}, "data.call_id")).toBeNull();
    expect(orderingKeyOf(null, "data.call_id")).toBeNull();
    expect(orderingKeyOf({ call_id: null }, "data.call_id")).toBeNull();
    expect(orderingKeyOf({ call_id: "" }, "data.call_id")).toBeNull();
    expect(orderingKeyOf({ call_id: ["a"] }, "data.call_id")).toBeNull();
    expect(orderingKeyOf({ call_id: { id: "a" } }, "data.call_id")).toBeNull();
    expect(orderingKeyOf({ call_id: Number.NaN }, "data.call_id")).toBeNull();
    expect(orderingKeyOf({ call_id: true }, "data.call_id")).toBeNull();
    // Through a string or a prototype's member: no key.
    expect(orderingKeyOf({ call_id: "abc" }, "data.call_id.length")).toBeNull();
    expect(orderingKeyOf({}, "data.constructor")).toBeNull();
    expect(orderingKeyOf({ call_id: "x" }, "call_id")).toBeNull();
  });

  it("keeps keys up to 200 characters as they are and digests longer ones", () => {
    const long = "k".repeat(201);
    expect(orderingKeyOf({ k: "k".repeat(200) }, "data.k")).toBe("k".repeat(200));
    const digest = orderingKeyOf({ k: long }, "data.k");
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(orderingKeyOf({ k: long }, "data.k")).toBe(digest);
  });

  it("accepts data paths only", () => {
    const pattern = new RegExp(ORDERING_KEY_PATTERN);
    expect(pattern.test("data.call_id")).toBe(true);
    expect(pattern.test("data.lead.id")).toBe(true);
    expect(pattern.test("data")).toBe(false);
    expect(pattern.test("call_id")).toBe(false);
    expect(pattern.test("data..id")).toBe(false);
    expect(pattern.test("data.a.b.c.d.e.f.g.h.i")).toBe(false);
  });
});

describe("deliveryState of ordered deliveries", () => {
  const waiting = {
    status: "pending" as const,
    attempts: 0,
    next_attempt_at: AWAITING_TURN,
    lease_owner: null,
    hold_key: null,
    hold_event_type: null,
    order_key: "call_1",
  };

  it("reads a delivery waiting for its turn as held_by_ordering with its key", () => {
    expect(deliveryState(waiting, NOW)).toEqual({ state: "held_by_ordering", key: "call_1" });
  });

  it("reads it so even while waiting for a follow-up event or behind an open circuit", () => {
    expect(
      deliveryState({ ...waiting, hold_key: "call_1", hold_event_type: "call.recording_ready" }, NOW),
    ).toMatchObject({ state: "held_by_ordering" });
    expect(deliveryState(waiting, NOW, NOW + 60_000)).toMatchObject({ state: "held_by_ordering" });
  });

  it("keeps the sentinels apart: parked is not waiting for its turn, and both are beyond any real time", () => {
    expect(deliveryState({ ...waiting, next_attempt_at: HELD_UNTIL_ENABLED }, NOW)).toEqual({
      state: "parked",
    });
    expect(AWAITING_TURN).toBeLessThan(HELD_UNTIL_ENABLED);
    expect(AWAITING_TURN).toBeGreaterThan(Date.UTC(9999, 0, 1));
  });
});
