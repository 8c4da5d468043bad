/** The scheduling API's answers, as the dashboard reads them (docs/api.md, "Scheduling"). */
export interface SchedulingConnection {
  connected: boolean;
  provider?: "calcom";
  account?: { id: string; name: string; email: string };
  base_url?: string | null;
  api_key?: string;
  webhook?: { subscribed: boolean; error: string | null };
  connected_at?: string;
}

export interface SchedulingAgent {
  agent_id: string;
  booking_enabled: boolean;
  event_type_id: number | null;
  event_type: { id: number; title: string | null; length_minutes: number | null } | null;
  updated_at: string;
}

export interface SchedulingBooking {
  id: string;
  agent_id: string;
  status: "pending" | "booked" | "cancelled";
  start: string;
  end: string;
  time_zone: string;
  attendee: { name: string; email: string | null; phone: string | null; time_zone: string };
  call_id: string | null;
  client_id: string | null;
  case_id: string | null;
  title: string | null;
}

export interface Availability {
  data: Array<{ start: string; end: string }>;
  time_zone: string;
}
