import { describe, expect, it } from "vitest";
import {
  type DeliveryStateColumns,
  deliveryState,
  HELD_UNTIL_ENABLED,
} from "../../src/domain/delivery-state.js";

const NOW = 1_700_000_000_000;

function row(overrides: Partial<DeliveryStateColumns> = {}): DeliveryStateColumns {
  return {
    status: "pending",
    attempts: 0,
    next_attempt_at: NOW,
    lease_owner: null,
    hold_key: null,
    hold_event_type: null,
    ...overrides,
  };
}

/** A delivery held for `call.recording_ready` of call `call_1` until `until`. */
function heldRow(until: number, overrides: Partial<DeliveryStateColumns> = {}): DeliveryStateColumns {
  return row({
    next_attempt_at: until,
    hold_key: "call_1",
    hold_event_type: "call.recording_ready",
    ...overrides,
  });
}

describe("deliveryState", () => {
  it("reads an unclaimed pending delivery as due at its next_attempt_at, past or future", () => {
    expect(deliveryState(row({ next_attempt_at: NOW - 5 }), NOW)).toEqual({ state: "due", at: NOW - 5 });
    expect(deliveryState(row({ attempts: 2, next_attempt_at: NOW + 300_000 }), NOW)).toEqual({
      state: "due",
      at: NOW + 300_000,
    });
  });

  it("reads a claimed delivery's next_attempt_at as its lease end, not a due time", () => {
    expect(deliveryState(row({ lease_owner: "node_a", next_attempt_at: NOW + 60_000 }), NOW)).toEqual({
      state: "claimed",
      by: "node_a",
      leaseUntil: NOW + 60_000,
    });
  });

  it("keeps a claim whose lease ran out claimed until another node takes it", () => {
    expect(deliveryState(row({ lease_owner: "node_a", next_attempt_at: NOW - 1 }), NOW)).toMatchObject({
      state: "claimed",
      by: "node_a",
    });
  });

  it("reads a claimed held delivery (its deadline passed) as claimed", () => {
    expect(deliveryState(heldRow(NOW - 1, { lease_owner: "node_a" }), NOW)).toMatchObject({
      state: "claimed",
    });
  });

  it("reads the HELD_UNTIL_ENABLED sentinel as parked behind a disabled webhook", () => {
    expect(deliveryState(row({ next_attempt_at: HELD_UNTIL_ENABLED }), NOW)).toEqual({ state: "parked" });
    expect(deliveryState(row({ attempts: 3, next_attempt_at: HELD_UNTIL_ENABLED }), NOW)).toEqual({
      state: "parked",
    });
  });

  it("reads a held delivery parked by a disabled webhook as parked: enabling sends it at once", () => {
    expect(deliveryState(heldRow(HELD_UNTIL_ENABLED), NOW)).toEqual({ state: "parked" });
  });

  it("reads a never-attempted delivery with a hold and a future deadline as held until that deadline", () => {
    expect(deliveryState(heldRow(NOW + 1_800_000), NOW)).toEqual({
      state: "held",
      until: NOW + 1_800_000,
      eventType: "call.recording_ready",
      callId: "call_1",
    });
  });

  it("reads a held delivery as due once its deadline is reached: it goes as it is", () => {
    expect(deliveryState(heldRow(NOW), NOW)).toEqual({ state: "due", at: NOW });
    expect(deliveryState(heldRow(NOW - 1_000), NOW)).toEqual({ state: "due", at: NOW - 1_000 });
  });

  it("reads a held delivery made due now (retried, or its webhook re-enabled) as due, not held", () => {
    // hold_key stays set, but next_attempt_at moved to now: the poller sends it without waiting.
    expect(deliveryState(heldRow(NOW - 10), NOW)).toMatchObject({ state: "due" });
  });

  it("never reads an attempted delivery as held", () => {
    expect(deliveryState(heldRow(NOW + 60_000, { attempts: 1 }), NOW)).toEqual({
      state: "due",
      at: NOW + 60_000,
    });
  });

  it("reads finished deliveries by their status, whatever their columns still say", () => {
    for (const status of ["succeeded", "failed", "cancelled"] as const) {
      expect(deliveryState(row({ status }), NOW)).toEqual({ state: status });
      expect(deliveryState(heldRow(HELD_UNTIL_ENABLED, { status, lease_owner: "node_a" }), NOW)).toEqual({
        state: status,
      });
    }
  });
});
