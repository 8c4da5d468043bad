import type {
  BookingSearch,
  NewProviderBooking,
  ProviderBooking,
  ProviderSlot,
  SchedulingAccount,
  SchedulingEventType,
  SchedulingProvider,
  SlotQuery,
  WebhookSubscription,
} from "../provider.js";
import { CALCOM_VERSIONS, CalcomClient, type CalcomClientOptions } from "./client.js";
import {
  accountFrom,
  bookingFrom,
  bookingRequest,
  type CalcomBooking,
  type CalcomEventType,
  type CalcomMe,
  type CalcomSlots,
  eventTypeFrom,
  slotsFrom,
} from "./map.js";

export { CALCOM_DEFAULT_BASE_URL, CALCOM_VERSIONS } from "./client.js";

/** The booking notifications we subscribe to on connect. */
export const CALCOM_TRIGGERS = ["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"] as const;

/** Cal.com behind the SchedulingProvider interface. */
export class CalcomProvider implements SchedulingProvider {
  readonly name = "calcom" as const;
  private readonly client: CalcomClient;

  constructor(options: CalcomClientOptions) {
    this.client = new CalcomClient(options);
  }

  toJSON(): Record<string, string> {
    return { provider: this.name, ...this.client.toJSON() };
  }

  async me(): Promise<SchedulingAccount> {
    return accountFrom(await this.client.call<CalcomMe>("GET", "/v2/me"));
  }

  async eventType(id: number): Promise<SchedulingEventType> {
    const e = await this.client.call<CalcomEventType>("GET", `/v2/event-types/${id}`, {
      version: CALCOM_VERSIONS.eventTypes,
    });
    return eventTypeFrom(e);
  }

  async slots(query: SlotQuery): Promise<ProviderSlot[]> {
    const slots = await this.client.call<CalcomSlots>("GET", "/v2/slots", {
      version: CALCOM_VERSIONS.slots,
      // Asked in UTC: the caller presents them in the company's zone itself.
      query: {
        eventTypeId: query.eventTypeId,
        start: query.start,
        end: query.end,
        timeZone: "UTC",
        format: "range",
      },
    });
    return slotsFrom(slots, null);
  }

  async book(booking: NewProviderBooking): Promise<ProviderBooking> {
    const b = await this.client.call<CalcomBooking>("POST", "/v2/bookings", {
      version: CALCOM_VERSIONS.bookings,
      body: bookingRequest(booking),
    });
    return bookingFrom(b);
  }

  async reschedule(uid: string, start: string, reason: string | null): Promise<ProviderBooking> {
    const body: Record<string, unknown> = { start };
    if (reason) body.reschedulingReason = reason;
    const b = await this.client.call<CalcomBooking>(
      "POST",
      `/v2/bookings/${encodeURIComponent(uid)}/reschedule`,
      { version: CALCOM_VERSIONS.bookings, body },
    );
    return bookingFrom(b);
  }

  async cancel(uid: string, reason: string | null): Promise<ProviderBooking> {
    const b = await this.client.call<CalcomBooking>(
      "POST",
      `/v2/bookings/${encodeURIComponent(uid)}/cancel`,
      {
        version: CALCOM_VERSIONS.bookings,
        body: { cancellationReason: reason ?? "Cancelled through Switchboard" },
      },
    );
    return bookingFrom(b);
  }

  async findBookings(search: BookingSearch): Promise<ProviderBooking[]> {
    const list = await this.client.call<CalcomBooking[]>("GET", "/v2/bookings", {
      version: CALCOM_VERSIONS.bookings,
      query: {
        eventTypeId: search.eventTypeId,
        afterStart: search.afterStart,
        beforeEnd: search.beforeEnd,
        attendeeEmail: search.attendeeEmail,
        take: 100,
      },
    });
    return list.map(bookingFrom);
  }

  async subscribe(subscriberUrl: string, secret: string): Promise<WebhookSubscription> {
    const hook = await this.client.call<{ id: number | string }>("POST", "/v2/webhooks", {
      body: { subscriberUrl, triggers: CALCOM_TRIGGERS, active: true, secret },
    });
    return { id: String(hook.id) };
  }

  async unsubscribe(id: string): Promise<void> {
    await this.client.call<unknown>("DELETE", `/v2/webhooks/${encodeURIComponent(id)}`);
  }
}
