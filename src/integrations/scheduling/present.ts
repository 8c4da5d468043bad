import { inZone } from "../../domain/scheduling/time.js";
import { iso } from "../../domain/time.js";
import type {
  SchedulingAgentRecord,
  SchedulingBookingRecord,
  SchedulingConnectionRecord,
} from "../../store/index.js";

/** How scheduling records leave the program: times in the company's zone, never a key. */

export interface ConnectionView {
  connected: boolean;
  provider?: "calcom";
  account?: { id: string; name: string; email: string };
  base_url?: string | null;
  /** The key's last four characters only. */
  api_key?: string;
  webhook?: { subscribed: boolean; error: string | null };
  connected_at?: string;
}

export function presentConnection(
  c: SchedulingConnectionRecord | null,
  lastFour: string | null,
): ConnectionView {
  if (!c) return { connected: false };
  return {
    connected: true,
    provider: c.provider,
    account: { id: c.account_id, name: c.account_name, email: c.account_email },
    base_url: c.base_url,
    api_key: `••••${lastFour ?? ""}`,
    webhook: { subscribed: c.webhook_id !== null, error: c.webhook_error },
    connected_at: iso(c.connected_at),
  };
}

export function presentAgent(a: SchedulingAgentRecord) {
  return {
    agent_id: a.agent_id,
    booking_enabled: a.booking_enabled,
    event_type_id: a.event_type_id,
    event_type:
      a.event_type_id === null
        ? null
        : { id: a.event_type_id, title: a.event_type_title, length_minutes: a.event_type_length },
    updated_at: iso(a.updated_at),
  };
}

export function presentBooking(b: SchedulingBookingRecord, zone: string) {
  return {
    id: b.id,
    agent_id: b.agent_id,
    status: b.status,
    start: inZone(b.start_at, zone),
    end: inZone(b.end_at, zone),
    time_zone: zone,
    attendee: b.attendee,
    call_id: b.call_id,
    client_id: b.client_id,
    case_id: b.case_id,
    event_type_id: b.event_type_id,
    title: b.title,
    location: b.location,
    provider: b.provider,
    provider_booking_id: b.provider_uid,
    created_at: iso(b.created_at),
    updated_at: iso(b.updated_at),
  };
}

/** The `appointment.*` event data for a booking (catalog: src/domain/catalog/workflow.ts). */
export function appointmentData(
  b: SchedulingBookingRecord,
  zone: string,
  extra: Record<string, string | undefined> = {},
): Record<string, unknown> {
  const customer: Record<string, string> = { name: b.attendee.name };
  if (b.attendee.phone) customer.phone = b.attendee.phone;
  if (b.attendee.email) customer.email = b.attendee.email;
  if (b.client_id) customer.client_id = b.client_id;
  const data: Record<string, unknown> = {
    appointment_id: b.id,
    starts_at: inZone(b.start_at, zone),
    ends_at: inZone(b.end_at, zone),
    timezone: zone,
    customer,
    agent_id: b.agent_id,
    provider: b.provider,
  };
  if (b.title) data.title = b.title;
  if (b.location) data.location = b.location;
  if (b.call_id) data.call_id = b.call_id;
  if (b.client_id) data.client_id = b.client_id;
  if (b.case_id) data.case_id = b.case_id;
  if (b.provider_uid) data.provider_booking_id = b.provider_uid;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) data[k] = v;
  return data;
}
