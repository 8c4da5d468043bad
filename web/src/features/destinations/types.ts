/** An email destination as the API answers it (src/targets/email/present.ts). */
import type { Filters, Health, RetrySettings } from "../../api";

export type SmtpSecurity = "starttls" | "tls" | "none";

export interface EmailSettings {
  smtp: {
    host: string;
    port: number;
    security: SmtpSecurity;
    username: string | null;
    /** "••••••••" when one is stored, null when none: the password itself is never shown. */
    password: string | null;
  };
  from: string;
  to: string[];
  cc: string[];
  /** A Liquid template over the event (`{{ event }}`, `{{ data.call_id }}`). */
  subject: string;
}

export interface Destination {
  id: string;
  kind: "email";
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  events: string[];
  campaign_id: string | null;
  filters: Filters;
  email: EmailSettings;
  timeout_ms: number;
  retry: RetrySettings;
  max_in_flight: number | null;
  rate_limit_per_s: number | null;
  hold: { until_event: string; max_wait_s: number } | null;
  health?: Health;
  created_at: string;
  updated_at: string;
}

/** The port each kind of connection usually uses (the server's defaults). */
export const DEFAULT_PORT: Record<SmtpSecurity, number> = { starttls: 587, tls: 465, none: 25 };

/** "ops@firm.com, intake@firm.com" or "ops@firm.com + 3 more". */
export function recipientsSummary(to: readonly string[]): string {
  if (to.length <= 2) return to.join(", ");
  return `${to[0]} + ${to.length - 1} more`;
}
