/** The scheduling tables (migration 0018) as the query builder sees them. */

/** A tenant's scheduling provider (migration 0018); `api_key` and `webhook_secret` encrypted. */
export interface SchedulingConnectionTable {
  tenant_id: string;
  provider: string;
  api_key: string;
  base_url: string | null;
  account_id: string;
  account_name: string;
  account_email: string;
  /** The provider's id for our booking-webhook subscription; null if subscribing failed. */
  webhook_id: string | null;
  webhook_secret: string | null;
  /** Why the subscription failed, shown on the connection. */
  webhook_error: string | null;
  connected_at: number;
  updated_at: number;
}

/** An AI agent's booking settings (migration 0018). */
export interface SchedulingAgentTable {
  tenant_id: string;
  agent_id: string;
  booking_enabled: number;
  event_type_id: number | null;
  /** The event type as the provider described it when saved. */
  event_type_title: string | null;
  event_type_length: number | null;
  updated_at: number;
}

/** A booking made through us (migration 0018); `attendee` is JSON. */
export interface SchedulingBookingTable {
  id: string;
  tenant_id: string;
  agent_id: string;
  call_id: string | null;
  client_id: string | null;
  case_id: string | null;
  provider: string;
  /** Null while `pending` (asked, not yet answered). */
  provider_uid: string | null;
  provider_id: string | null;
  status: string;
  event_type_id: number;
  start_at: number;
  end_at: number;
  attendee: string;
  location: string | null;
  title: string | null;
  created_at: number;
  updated_at: number;
}
