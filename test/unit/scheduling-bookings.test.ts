import { describe, expect, it } from "vitest";
import {
  bookingMetadata,
  existingBookingAction,
  isOurBooking,
  isSlotRefusal,
  PENDING_LEASE_MS,
} from "../../src/domain/scheduling/bookings.js";

const ours = {
  id: "apt_01",
  tenant_id: "ten_01",
  call_id: "call_7Hq2",
  client_id: "cli_9W",
  case_id: null,
  start_at: Date.parse("2027-03-09T15:00:00Z"),
  attendee: { email: "Maria@Example.com", phone: "+13125550187" },
};

const found = (overrides: Partial<Parameters<typeof isOurBooking>[0]> = {}) => ({
  status: "accepted",
  start: "2027-03-09T15:00:00.000Z",
  metadata: {},
  attendees: [{ email: "someone@example.com", phoneNumber: null }],
  ...overrides,
});

describe("a second request for the same call", () => {
  it("answers a booked or cancelled booking, waits on a young pending one, recovers an old one", () => {
    expect(existingBookingAction({ status: "booked", updated_at: 0 }, 1)).toBe("answer");
    expect(existingBookingAction({ status: "cancelled", updated_at: 0 }, 1)).toBe("answer");
    expect(existingBookingAction({ status: "pending", updated_at: 1000 }, 1000 + PENDING_LEASE_MS - 1)).toBe(
      "wait",
    );
    expect(existingBookingAction({ status: "pending", updated_at: 1000 }, 1000 + PENDING_LEASE_MS)).toBe(
      "recover",
    );
    // A lapsed lease (set to 0 after a lost answer) is recovered at once.
    expect(
      existingBookingAction({ status: "pending", updated_at: 0 }, Date.parse("2027-03-09T15:00:00Z")),
    ).toBe("recover");
  });
});

describe("recognising our booking at the provider", () => {
  it("by our id in its metadata, whatever the start or attendee", () => {
    expect(
      isOurBooking(
        found({ metadata: { switchboard_booking_id: "apt_01" }, start: "2027-03-10T09:00:00Z" }),
        ours,
      ),
    ).toBe(true);
  });

  it("never when the metadata names another of our bookings, even at the same start with the same attendee", () => {
    const other = found({
      metadata: { switchboard_booking_id: "apt_02" },
      attendees: [{ email: "maria@example.com", phoneNumber: "+13125550187" }],
    });
    expect(isOurBooking(other, ours)).toBe(false);
  });

  it("without metadata: at our start with our attendee's email (any case) or phone", () => {
    expect(
      isOurBooking(found({ attendees: [{ email: "maria@example.com", phoneNumber: null }] }), ours),
    ).toBe(true);
    expect(isOurBooking(found({ attendees: [{ email: null, phoneNumber: "+13125550187" }] }), ours)).toBe(
      true,
    );
    expect(isOurBooking(found(), ours)).toBe(false);
    expect(
      isOurBooking(
        found({
          start: "2027-03-09T15:30:00Z",
          attendees: [{ email: "maria@example.com", phoneNumber: null }],
        }),
        ours,
      ),
    ).toBe(false);
  });

  it("never a cancelled one", () => {
    expect(
      isOurBooking(found({ status: "cancelled", metadata: { switchboard_booking_id: "apt_01" } }), ours),
    ).toBe(false);
  });

  it("stores our ids, leaving out the ones the booking has not got", () => {
    expect(bookingMetadata(ours)).toEqual({
      switchboard_booking_id: "apt_01",
      switchboard_tenant_id: "ten_01",
      call_id: "call_7Hq2",
      client_id: "cli_9W",
    });
  });
});

describe("why the provider refused a booking", () => {
  it("a taken or closed time is a slot refusal (409 with the nearest slots)", () => {
    for (const message of [
      "User either already has booking at this time or is not available",
      "No available users found.",
      "Attempting to book a meeting in the past.",
      "Booking outside of the event type's availability hours",
      "slot is already taken",
    ]) {
      expect(isSlotRefusal(message), message).toBe(true);
    }
  });

  it("bad input is not (it stays Cal.com's refusal, 422 with its words)", () => {
    for (const message of ["responses.email: Invalid email", "Missing required booking field: notes", null]) {
      expect(isSlotRefusal(message), String(message)).toBe(false);
    }
  });
});
