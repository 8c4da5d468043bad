import type {
  NewProviderBooking,
  ProviderAttendee,
  ProviderBooking,
  ProviderBookingStatus,
  ProviderSlot,
  SchedulingAccount,
  SchedulingEventType,
} from "../provider.js";
import { isObject } from "./client.js";

/** Cal.com's shapes (API v2, the versions in client.ts) ↔ the provider interface's. */

export interface CalcomMe {
  id: number;
  username?: string;
  email: string;
  name?: string | null;
  timeZone?: string;
}

export interface CalcomEventType {
  id: number;
  title: string;
  slug: string;
  lengthInMinutes: number;
}

export interface CalcomAttendee {
  name: string;
  email?: string;
  phoneNumber?: string;
  timeZone: string;
  language?: string;
}

/** A booking as `cal-api-version: 2024-08-13` answers it. */
export interface CalcomBooking {
  id: number;
  uid: string;
  title?: string;
  status: string;
  start: string;
  end: string;
  eventTypeId?: number;
  location?: string | null;
  attendees?: CalcomAttendee[];
  metadata?: Record<string, unknown>;
  rescheduledFromUid?: string | null;
}

/** `GET /v2/slots` (2024-09-04): slots grouped by date; `format=range` adds each slot's end. */
export type CalcomSlots = Record<string, Array<{ start: string; end?: string }>>;

export function accountFrom(me: CalcomMe): SchedulingAccount {
  return {
    id: String(me.id),
    name: me.name ?? me.username ?? me.email,
    email: me.email,
    timeZone: me.timeZone ?? null,
  };
}

export function eventTypeFrom(e: CalcomEventType): SchedulingEventType {
  return { id: e.id, title: e.title, slug: e.slug, lengthMinutes: e.lengthInMinutes };
}

/** Every date's slots in time order, as UTC instants. */
export function slotsFrom(slots: CalcomSlots, lengthMinutes: number | null): ProviderSlot[] {
  const out: ProviderSlot[] = [];
  for (const list of Object.values(slots)) {
    for (const slot of list) {
      const start = Date.parse(slot.start);
      if (Number.isNaN(start)) continue;
      const end = slot.end ? Date.parse(slot.end) : start + (lengthMinutes ?? 0) * 60_000;
      out.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString() });
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

const STATUSES: Record<string, ProviderBookingStatus> = {
  accepted: "accepted",
  pending: "pending",
  cancelled: "cancelled",
  rejected: "rejected",
};

export function bookingFrom(b: CalcomBooking): ProviderBooking {
  const metadata: Record<string, string> = {};
  if (isObject(b.metadata)) {
    for (const [k, v] of Object.entries(b.metadata)) if (typeof v === "string") metadata[k] = v;
  }
  return {
    uid: b.uid,
    id: b.id === undefined ? null : String(b.id),
    status: STATUSES[b.status.toLowerCase()] ?? "pending",
    start: new Date(b.start).toISOString(),
    end: new Date(b.end).toISOString(),
    eventTypeId: b.eventTypeId ?? null,
    title: b.title ?? null,
    location: b.location ?? null,
    attendees: (b.attendees ?? []).map(attendeeFrom),
    metadata,
    rescheduledFromUid: b.rescheduledFromUid ?? null,
  };
}

function attendeeFrom(a: CalcomAttendee): ProviderAttendee {
  return {
    name: a.name,
    email: a.email ?? null,
    phoneNumber: a.phoneNumber ?? null,
    timeZone: a.timeZone,
    language: a.language ?? null,
  };
}

/** `POST /v2/bookings` body (2024-08-13): start in UTC, attendee with email or phone. */
export function bookingRequest(b: NewProviderBooking): Record<string, unknown> {
  const attendee: Record<string, unknown> = { name: b.attendee.name, timeZone: b.attendee.timeZone };
  if (b.attendee.email) attendee.email = b.attendee.email;
  if (b.attendee.phoneNumber) attendee.phoneNumber = b.attendee.phoneNumber;
  if (b.attendee.language) attendee.language = b.attendee.language;
  const body: Record<string, unknown> = {
    start: b.start,
    eventTypeId: b.eventTypeId,
    attendee,
    metadata: b.metadata,
  };
  if (b.location) body.location = b.location;
  return body;
}
