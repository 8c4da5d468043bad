import { DomainError, notFound } from "../../domain/errors.js";
import { verifyCalSignature } from "../../domain/scheduling/signature.js";
import type { SchedulingBookingRecord } from "../../store/index.js";
import { isObject } from "./calcom/client.js";
import type { Scheduling } from "./scheduling.js";

/** What a Cal.com booking webhook did to our records. */
export type HookOutcome = "rescheduled" | "cancelled" | "booked" | "unchanged" | "not_ours" | "ignored";

interface CalcomHookPayload {
  uid: string | null;
  rescheduleUid: string | null;
  startTime: number;
  endTime: number;
  metadata: Record<string, unknown>;
  reason: string | null;
}

/**
 * `POST /v1/scheduling/hooks/{tenant_id}`: Cal.com's BOOKING_CREATED / RESCHEDULED / CANCELLED,
 * verified with X-Cal-Signature-256 (hex HMAC-SHA256 of the raw body, keyed by the secret we gave
 * Cal.com on connect) before anything is read. A bad signature changes nothing (401). Changes made
 * in Cal.com itself become `appointment.*` events with our call, client and case ids; the echo of a
 * change we made ourselves finds the booking already in that state and emits nothing.
 */
export async function receiveCalcomHook(
  scheduling: Scheduling,
  tenantId: string,
  body: Buffer,
  signature: string | undefined,
): Promise<HookOutcome> {
  const secret = await scheduling.webhookSecret(tenantId).catch(() => null);
  if (secret === null) throw notFound("scheduling connection");
  if (!verifyCalSignature(body, secret, signature)) {
    throw new DomainError("unauthorized", "X-Cal-Signature-256 does not match the body");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new DomainError("validation_failed", "the body is not JSON");
  }
  if (!isObject(parsed) || typeof parsed.triggerEvent !== "string" || !isObject(parsed.payload)) {
    throw new DomainError("validation_failed", "not a Cal.com webhook: triggerEvent and payload expected");
  }
  const trigger = parsed.triggerEvent;
  const payload = readPayload(parsed.payload);
  const booking = await findOurs(scheduling, tenantId, payload);
  // The echo of our own change leaves the cache alone (a booking we made already took its slot
  // out); anything else may have opened or closed slots.
  if (!booking || trigger !== "BOOKING_CREATED") scheduling.cache.invalidate(tenantId);
  if (!booking) return "not_ours";
  const zone = await scheduling.zoneOf(tenantId);
  switch (trigger) {
    case "BOOKING_RESCHEDULED": {
      if (payload.uid === null || Number.isNaN(payload.startTime)) return "ignored";
      if (booking.provider_uid === payload.uid && booking.start_at === payload.startTime) return "unchanged";
      await scheduling.bookings.applyReschedule(
        tenantId,
        booking,
        payload.uid,
        payload.startTime,
        payload.endTime,
        payload.reason,
        zone,
      );
      return "rescheduled";
    }
    case "BOOKING_CANCELLED": {
      if (booking.status === "cancelled") return "unchanged";
      await scheduling.bookings.applyCancel(tenantId, booking, payload.reason, zone);
      return "cancelled";
    }
    case "BOOKING_CREATED":
      // Ours are recorded when Cal.com answers the booking request; a crash in between is
      // recovered by the next request for the call.
      return "unchanged";
    default:
      return "ignored";
  }
}

function readPayload(p: Record<string, unknown>): CalcomHookPayload {
  const text = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  return {
    uid: text(p.uid),
    rescheduleUid: text(p.rescheduleUid),
    startTime: Date.parse(String(p.startTime)),
    endTime: Date.parse(String(p.endTime)),
    metadata: isObject(p.metadata) ? p.metadata : {},
    reason: text(p.cancellationReason) ?? text(p.rescheduleReason) ?? text(p.reschedulingReason),
  };
}

/** Ours by the id we put in Cal.com's metadata, else by Cal.com's uid (the new one, then the old). */
async function findOurs(
  scheduling: Scheduling,
  tenantId: string,
  payload: CalcomHookPayload,
): Promise<SchedulingBookingRecord | null> {
  const repo = scheduling.repository;
  const ourId = payload.metadata.switchboard_booking_id;
  if (typeof ourId === "string") {
    const byId = await repo.getBooking(tenantId, ourId);
    if (byId) return byId;
  }
  for (const uid of [payload.uid, payload.rescheduleUid]) {
    if (uid === null) continue;
    const byUid = await repo.findByProviderUid(tenantId, uid);
    if (byUid) return byUid;
  }
  return null;
}
