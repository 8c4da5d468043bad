/**
 * Decisions about a booking made through us, apart from any I/O: what a second request for the
 * same call gets, how our booking is recognised at the provider, what we store with it there.
 */

/** What the call's earlier booking means for a new request for the same call. */
export type ExistingBookingAction =
  /** Booked or cancelled: answer it, book nothing. */
  | "answer"
  /** Pending and young: another request is still waiting on the provider — 409, retry shortly. */
  | "wait"
  /** Pending and old: that request was interrupted — look for the booking at the provider. */
  | "recover";

/** How long a pending booking is presumed to be in flight (a provider call times out well within it). */
export const PENDING_LEASE_MS = 15_000;

export function existingBookingAction(
  existing: { status: "pending" | "booked" | "cancelled"; updated_at: number },
  now: number,
): ExistingBookingAction {
  if (existing.status !== "pending") return "answer";
  return now - existing.updated_at < PENDING_LEASE_MS ? "wait" : "recover";
}

export interface OurBooking {
  id: string;
  tenant_id: string;
  call_id: string | null;
  client_id: string | null;
  case_id: string | null;
  start_at: number;
  attendee: { email: string | null; phone: string | null };
}

/** What we store in the provider's booking metadata: how a webhook or a recovery finds ours. */
export function bookingMetadata(b: OurBooking): Record<string, string> {
  const metadata: Record<string, string> = {
    switchboard_booking_id: b.id,
    switchboard_tenant_id: b.tenant_id,
  };
  if (b.call_id) metadata.call_id = b.call_id;
  if (b.client_id) metadata.client_id = b.client_id;
  if (b.case_id) metadata.case_id = b.case_id;
  return metadata;
}

export interface ProviderBookingView {
  status: string;
  /** UTC instant. */
  start: string;
  metadata: Record<string, string>;
  attendees: Array<{ email: string | null; phoneNumber: string | null }>;
}

/**
 * Whether a booking found at the provider is ours: not cancelled, and carrying our id in its
 * metadata — or, when metadata was lost (a provider that drops it), at our start with our
 * attendee's email or phone. A name alone is never enough: two callers can share one.
 */
export function isOurBooking(found: ProviderBookingView, ours: OurBooking): boolean {
  if (found.status === "cancelled") return false;
  if (found.metadata.switchboard_booking_id !== undefined)
    return found.metadata.switchboard_booking_id === ours.id;
  if (Date.parse(found.start) !== ours.start_at) return false;
  return found.attendees.some(
    (a) =>
      (ours.attendee.email !== null && a.email?.toLowerCase() === ours.attendee.email.toLowerCase()) ||
      (ours.attendee.phone !== null && a.phoneNumber === ours.attendee.phone),
  );
}

/**
 * Whether the provider refused a booking because the time is not free (it answers 400 for that and
 * for bad input alike): "User either already has booking at this time or is not available",
 * "no available users found", "slot … taken", … Anything else (a required booking field missing,
 * a bad phone number) is the provider refusing the input, reported as such with its words.
 */
export function isSlotRefusal(vendorMessage: string | null): boolean {
  if (vendorMessage === null) return false;
  return /\b(not available|no available|unavailable|already has (a )?booking|already booked|slot|taken|outside of .*(hours|availability)|minimum booking notice|in the past)\b/i.test(
    vendorMessage,
  );
}
