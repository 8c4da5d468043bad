/**
 * The one interface a scheduling provider implements (Cal.com today). It speaks the vendor's
 * HTTP API and nothing else: times go in and out as UTC instants (ISO-8601 with `Z`), and which
 * zone a person sees them in is the caller's business (src/domain/scheduling/).
 */

/** The account a key belongs to: what the connection shows as "connected as …". */
export interface SchedulingAccount {
  id: string;
  name: string;
  email: string;
  /** The account's own zone at the provider, when it says. */
  timeZone: string | null;
}

/** What an agent books: a kind of meeting with its own length and availability. */
export interface SchedulingEventType {
  id: number;
  title: string;
  slug: string;
  lengthMinutes: number;
}

/** One open slot, as UTC instants. */
export interface ProviderSlot {
  start: string;
  end: string;
}

export interface ProviderAttendee {
  name: string;
  email: string | null;
  /** E.164. */
  phoneNumber: string | null;
  timeZone: string;
  language: string | null;
}

export type ProviderBookingStatus = "accepted" | "pending" | "cancelled" | "rejected";

export interface ProviderBooking {
  /** The provider's stable handle (Cal.com's `uid`): reschedule and cancel take it. */
  uid: string;
  /** The provider's numeric id, when it has one. */
  id: string | null;
  status: ProviderBookingStatus;
  start: string;
  end: string;
  eventTypeId: number | null;
  title: string | null;
  location: string | null;
  attendees: ProviderAttendee[];
  /** What we stored with the booking (our booking, call, client and case ids). */
  metadata: Record<string, string>;
  /** A reschedule makes a new booking; this is the one it replaced. */
  rescheduledFromUid: string | null;
}

export interface NewProviderBooking {
  eventTypeId: number;
  /** UTC instant. */
  start: string;
  attendee: ProviderAttendee;
  metadata: Record<string, string>;
  location: string | null;
}

export interface BookingSearch {
  eventTypeId: number;
  /** UTC instants bounding the bookings' starts. */
  afterStart: string;
  beforeEnd: string;
  attendeeEmail?: string;
}

export interface SlotQuery {
  eventTypeId: number;
  /** UTC instants. */
  start: string;
  end: string;
}

/** The provider's booking notifications we ask for on connect. */
export interface WebhookSubscription {
  id: string;
}

export interface SchedulingProvider {
  readonly name: "calcom";
  /** Checks the key: the account it belongs to, or `auth`. */
  me(): Promise<SchedulingAccount>;
  eventType(id: number): Promise<SchedulingEventType>;
  slots(query: SlotQuery): Promise<ProviderSlot[]>;
  book(booking: NewProviderBooking): Promise<ProviderBooking>;
  reschedule(uid: string, start: string, reason: string | null): Promise<ProviderBooking>;
  cancel(uid: string, reason: string | null): Promise<ProviderBooking>;
  findBookings(search: BookingSearch): Promise<ProviderBooking[]>;
  subscribe(subscriberUrl: string, secret: string): Promise<WebhookSubscription>;
  unsubscribe(id: string): Promise<void>;
}

/**
 * Why a provider call failed: `auth` (the key is refused), `validation` (the provider refused the
 * input: an unknown event type, a taken slot), `not_found`, `rate_limited`, `unavailable` (network
 * errors, timeouts, 5xx). `vendorMessage` is the provider's own words, shown to people.
 */
export type SchedulingErrorKind = "auth" | "validation" | "not_found" | "rate_limited" | "unavailable";

export class SchedulingError extends Error {
  constructor(
    readonly kind: SchedulingErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly vendorCode: string | null = null,
    readonly vendorMessage: string | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "SchedulingError";
  }
}
