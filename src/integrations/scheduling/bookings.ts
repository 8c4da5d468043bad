import { DomainError, invalid, notFound } from "../../domain/errors.js";
import { generateId } from "../../domain/ids.js";
import {
  bookingMetadata,
  existingBookingAction,
  isOurBooking,
  isSlotRefusal,
} from "../../domain/scheduling/bookings.js";
import { neighbourhood, slotAt } from "../../domain/scheduling/slots.js";
import { inZone } from "../../domain/scheduling/time.js";
import type { EventIngest } from "../../events/ingest.js";
import type { BookingAttendee, SchedulingBookingRecord } from "../../store/index.js";
import { asDomainError } from "./errors.js";
import { appointmentData } from "./present.js";
import { type ProviderBooking, SchedulingError, type SchedulingProvider } from "./provider.js";
import type { Scheduling } from "./scheduling.js";

export interface BookingInput {
  agent_id: string;
  start: number;
  attendee: BookingAttendee;
  call_id: string | null;
  client_id: string | null;
  case_id: string | null;
  location: string | null;
}

/**
 * Bookings made through us: one per call, written pending before Cal.com is asked so a crash
 * between its answer and our record is found again (by our id in its metadata, else the attendee
 * and start) rather than booked twice; reschedules and cancellations, ours or Cal.com's, each
 * emitting its `appointment.*` event.
 */
export class Bookings {
  constructor(
    private readonly scheduling: Scheduling,
    private readonly ingest: EventIngest,
  ) {}

  /** Books, or answers the call's existing booking (`created: false`). */
  async book(
    tenantId: string,
    input: BookingInput,
    zone: string,
  ): Promise<{ booking: SchedulingBookingRecord; created: boolean }> {
    const provider = await this.scheduling.requireProvider(tenantId);
    const agent = await this.scheduling.bookingAgent(tenantId, input.agent_id);
    if (input.call_id) {
      const existing = await this.scheduling.store.scheduling.findByCall(tenantId, input.call_id);
      if (existing) {
        const resolved = await this.resolveExisting(tenantId, provider, existing, zone);
        if (resolved) return { booking: resolved, created: false };
      }
    }
    if (input.start < this.scheduling.now()) throw invalid("/body/start", "the start is in the past");
    const around = neighbourhood(input.start);
    const slots = await this.scheduling.slotsBetween(
      tenantId,
      provider,
      agent.event_type_id,
      around.start,
      around.end,
      zone,
    );
    const slot = slotAt(slots, input.start);
    if (!slot)
      throw await this.scheduling.slotUnavailable(
        tenantId,
        provider,
        agent.event_type_id,
        input.start,
        zone,
        null,
      );

    const now = this.scheduling.now();
    const record: SchedulingBookingRecord = {
      id: generateId("apt_"),
      tenant_id: tenantId,
      agent_id: input.agent_id,
      call_id: input.call_id,
      client_id: input.client_id,
      case_id: input.case_id,
      provider: "calcom",
      provider_uid: null,
      provider_id: null,
      status: "pending",
      event_type_id: agent.event_type_id,
      start_at: slot.start,
      end_at: slot.end,
      attendee: input.attendee,
      location: input.location,
      title: null,
      created_at: now,
      updated_at: now,
    };
    const claim = await this.scheduling.store.scheduling.claimBooking(record);
    if (!claim.created) {
      // Another request for this call got in first.
      const resolved = await this.resolveExisting(tenantId, provider, claim.existing, zone);
      if (resolved) return { booking: resolved, created: false };
      return this.book(tenantId, input, zone);
    }
    let made: ProviderBooking;
    try {
      made = await provider.book({
        eventTypeId: agent.event_type_id,
        start: new Date(slot.start).toISOString(),
        attendee: {
          name: input.attendee.name,
          email: input.attendee.email,
          phoneNumber: input.attendee.phone,
          timeZone: input.attendee.time_zone,
          language: null,
        },
        metadata: bookingMetadata(record),
        location: input.location,
      });
    } catch (error) {
      if (error instanceof SchedulingError && error.kind === "unavailable") {
        // Cal.com may have booked before the connection failed: leave the row pending and lapse
        // its lease, so the retry looks for the booking at Cal.com before making another.
        await this.scheduling.store.scheduling.updateBooking(tenantId, record.id, {}, 0);
        throw asDomainError(error, "booking");
      }
      await this.scheduling.store.scheduling.deleteBooking(tenantId, record.id);
      if (
        error instanceof SchedulingError &&
        error.kind === "validation" &&
        isSlotRefusal(error.vendorMessage)
      ) {
        throw await this.scheduling.slotUnavailable(
          tenantId,
          provider,
          agent.event_type_id,
          slot.start,
          zone,
          error.vendorMessage,
        );
      }
      throw asDomainError(error, "booking");
    }
    return { booking: await this.completeBooking(tenantId, record, made, zone), created: true };
  }

  /**
   * The call's booking as it stands: booked or cancelled → itself; pending and still being asked
   * for → 409; pending and interrupted → found at Cal.com (by our id in its metadata, else the
   * attendee and start) and completed, or forgotten (null) so the caller books afresh.
   */
  private async resolveExisting(
    tenantId: string,
    provider: SchedulingProvider,
    existing: SchedulingBookingRecord,
    zone: string,
  ): Promise<SchedulingBookingRecord | null> {
    const action = existingBookingAction(existing, this.scheduling.now());
    if (action === "answer") return existing;
    if (action === "wait") {
      throw new DomainError(
        "conflict",
        `a booking for call ${existing.call_id} is being made; retry in a few seconds`,
        {
          booking_id: existing.id,
        },
      );
    }
    const found = await provider
      .findBookings({
        eventTypeId: existing.event_type_id,
        afterStart: new Date(existing.start_at).toISOString(),
        beforeEnd: new Date(existing.start_at + 86_400_000).toISOString(),
        ...(existing.attendee.email ? { attendeeEmail: existing.attendee.email } : {}),
      })
      .catch((e) => {
        throw asDomainError(e, "looking for an interrupted booking");
      });
    const match = found.find((b) => isOurBooking(b, existing));
    if (match) return this.completeBooking(tenantId, existing, match, zone);
    await this.scheduling.store.scheduling.deleteBooking(tenantId, existing.id);
    return null;
  }

  private async completeBooking(
    tenantId: string,
    record: SchedulingBookingRecord,
    made: ProviderBooking,
    zone: string,
  ): Promise<SchedulingBookingRecord> {
    const patch = {
      status: "booked" as const,
      provider_uid: made.uid,
      provider_id: made.id,
      start_at: Date.parse(made.start),
      end_at: Date.parse(made.end),
      title: made.title,
      location: made.location ?? record.location,
    };
    const now = this.scheduling.now();
    await this.scheduling.store.scheduling.updateBooking(tenantId, record.id, patch, now);
    this.scheduling.cache.taken(tenantId, patch.start_at, patch.end_at);
    const booking = { ...record, ...patch, updated_at: now };
    await this.emit(tenantId, "appointment.booked", booking, zone, `${booking.id}:booked`);
    return booking;
  }

  async reschedule(
    tenantId: string,
    id: string,
    start: number,
    reason: string | null,
    zone: string,
  ): Promise<SchedulingBookingRecord> {
    const provider = await this.scheduling.requireProvider(tenantId);
    const booking = await this.bookedOrThrow(tenantId, id);
    if (start < this.scheduling.now()) throw invalid("/body/start", "the start is in the past");
    const around = neighbourhood(start);
    const slots = await this.scheduling.slotsBetween(
      tenantId,
      provider,
      booking.event_type_id,
      around.start,
      around.end,
      zone,
    );
    if (!slotAt(slots, start)) {
      throw await this.scheduling.slotUnavailable(
        tenantId,
        provider,
        booking.event_type_id,
        start,
        zone,
        null,
      );
    }
    let moved: ProviderBooking;
    try {
      moved = await provider.reschedule(booking.provider_uid ?? "", new Date(start).toISOString(), reason);
    } catch (error) {
      if (
        error instanceof SchedulingError &&
        error.kind === "validation" &&
        isSlotRefusal(error.vendorMessage)
      ) {
        throw await this.scheduling.slotUnavailable(
          tenantId,
          provider,
          booking.event_type_id,
          start,
          zone,
          error.vendorMessage,
        );
      }
      throw asDomainError(error, "rescheduling");
    }
    return this.applyReschedule(
      tenantId,
      booking,
      moved.uid,
      Date.parse(moved.start),
      Date.parse(moved.end),
      reason,
      zone,
    );
  }

  /** Records a move (ours or one made in Cal.com) and emits `appointment.rescheduled`. */
  async applyReschedule(
    tenantId: string,
    booking: SchedulingBookingRecord,
    uid: string,
    start: number,
    end: number,
    reason: string | null,
    zone: string,
  ): Promise<SchedulingBookingRecord> {
    const now = this.scheduling.now();
    const patch = { provider_uid: uid, start_at: start, end_at: end, status: "booked" as const };
    await this.scheduling.store.scheduling.updateBooking(tenantId, booking.id, patch, now);
    this.scheduling.cache.invalidate(tenantId);
    const moved = { ...booking, ...patch, updated_at: now };
    await this.emit(tenantId, "appointment.rescheduled", moved, zone, `${booking.id}:rescheduled:${uid}`, {
      previous_starts_at: inZone(booking.start_at, zone),
      previous_ends_at: inZone(booking.end_at, zone),
      reason: reason ?? undefined,
    });
    return moved;
  }

  async cancel(
    tenantId: string,
    id: string,
    reason: string | null,
    zone: string,
  ): Promise<SchedulingBookingRecord> {
    const provider = await this.scheduling.requireProvider(tenantId);
    const booking = await this.bookedOrThrow(tenantId, id);
    await provider.cancel(booking.provider_uid ?? "", reason).catch((e) => {
      throw asDomainError(e, "cancelling");
    });
    return this.applyCancel(tenantId, booking, reason, zone);
  }

  /** Records a cancellation (ours or one made in Cal.com) and emits `appointment.cancelled`. */
  async applyCancel(
    tenantId: string,
    booking: SchedulingBookingRecord,
    reason: string | null,
    zone: string,
  ): Promise<SchedulingBookingRecord> {
    const now = this.scheduling.now();
    await this.scheduling.store.scheduling.updateBooking(tenantId, booking.id, { status: "cancelled" }, now);
    this.scheduling.cache.invalidate(tenantId);
    const cancelled = { ...booking, status: "cancelled" as const, updated_at: now };
    await this.emit(tenantId, "appointment.cancelled", cancelled, zone, `${booking.id}:cancelled`, {
      reason: reason ?? undefined,
    });
    return cancelled;
  }

  private async bookedOrThrow(tenantId: string, id: string): Promise<SchedulingBookingRecord> {
    const booking = await this.scheduling.store.scheduling.getBooking(tenantId, id);
    if (!booking) throw notFound("booking");
    if (booking.status !== "booked") {
      throw new DomainError("conflict", `booking ${id} is ${booking.status}`, { status: booking.status });
    }
    return booking;
  }

  /** Emits an appointment event; the idempotency key makes a repeat (a retried hook) harmless. */
  async emit(
    tenantId: string,
    type: string,
    booking: SchedulingBookingRecord,
    zone: string,
    key: string,
    extra: Record<string, string | undefined> = {},
  ): Promise<void> {
    await this.ingest.ingest(
      tenantId,
      [{ type, data: appointmentData(booking, zone, extra), idempotency_key: `scheduling:${key}` }],
      () => "/event",
    );
  }
}
