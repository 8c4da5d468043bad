import type { ListOptions, Page } from "../store.js";

/** A tenant's scheduling connection as stored: `api_key` and `webhook_secret` still encrypted. */
export interface SchedulingConnectionRecord {
  tenant_id: string;
  provider: "calcom";
  api_key: string;
  base_url: string | null;
  account_id: string;
  account_name: string;
  account_email: string;
  webhook_id: string | null;
  webhook_secret: string | null;
  webhook_error: string | null;
  connected_at: number;
  updated_at: number;
}

export interface SchedulingAgentRecord {
  tenant_id: string;
  agent_id: string;
  booking_enabled: boolean;
  event_type_id: number | null;
  event_type_title: string | null;
  event_type_length: number | null;
  updated_at: number;
}

/**
 * `pending`: written before the provider was asked, not yet answered (a crash leaves it so);
 * `booked`; `cancelled`.
 */
export type SchedulingBookingStatus = "pending" | "booked" | "cancelled";

export interface BookingAttendee {
  name: string;
  email: string | null;
  phone: string | null;
  time_zone: string;
}

export interface SchedulingBookingRecord {
  id: string;
  tenant_id: string;
  agent_id: string;
  call_id: string | null;
  client_id: string | null;
  case_id: string | null;
  provider: "calcom";
  provider_uid: string | null;
  provider_id: string | null;
  status: SchedulingBookingStatus;
  event_type_id: number;
  start_at: number;
  end_at: number;
  attendee: BookingAttendee;
  location: string | null;
  title: string | null;
  created_at: number;
  updated_at: number;
}

export type BookingPatch = Partial<
  Pick<
    SchedulingBookingRecord,
    "provider_uid" | "provider_id" | "status" | "start_at" | "end_at" | "location" | "title"
  >
>;

export interface BookingFilter {
  /** Bookings starting at or after (epoch ms). */
  from?: number;
  status?: SchedulingBookingStatus;
  agent_id?: string;
}

export interface SchedulingRepository {
  getConnection(tenantId: string): Promise<SchedulingConnectionRecord | null>;
  /** Inserts or replaces the tenant's connection. */
  putConnection(connection: SchedulingConnectionRecord): Promise<void>;
  /** True when there was one. */
  deleteConnection(tenantId: string): Promise<boolean>;
  /** Re-encrypts every connection's key and webhook secret (master key rotation); answers how many. */
  reencryptSecrets(reencrypt: (stored: string) => string): Promise<number>;

  getAgent(tenantId: string, agentId: string): Promise<SchedulingAgentRecord | null>;
  putAgent(agent: SchedulingAgentRecord): Promise<void>;
  listAgents(tenantId: string): Promise<SchedulingAgentRecord[]>;

  /**
   * Records a booking about to be made. When the booking names a call that already has one,
   * nothing is written and that booking is answered instead (the unique index decides between
   * two nodes racing for the same call).
   */
  claimBooking(
    booking: SchedulingBookingRecord,
  ): Promise<{ created: true } | { created: false; existing: SchedulingBookingRecord }>;
  updateBooking(tenantId: string, id: string, patch: BookingPatch, now: number): Promise<void>;
  /** Forgets a pending booking the provider refused, so the call may try another time. */
  deleteBooking(tenantId: string, id: string): Promise<void>;
  getBooking(tenantId: string, id: string): Promise<SchedulingBookingRecord | null>;
  findByCall(tenantId: string, callId: string): Promise<SchedulingBookingRecord | null>;
  findByProviderUid(tenantId: string, uid: string): Promise<SchedulingBookingRecord | null>;
  /** Soonest first, then by id; the cursor is the last id of the previous page. */
  listBookings(
    tenantId: string,
    filter: BookingFilter,
    options: ListOptions,
  ): Promise<Page<SchedulingBookingRecord>>;
}
