/**
 * The shape of a webhook's configuration as the domain sees it (secrets already decrypted).
 * The HTTP schemas in src/api/webhooks.ts validate the same fields; this file is the vocabulary
 * the pure decision code (matching, retry, success) works in.
 */

export type HttpMethod = "POST" | "GET" | "PUT" | "DELETE";

export type WebhookAuth =
  | { type: "none" }
  | { type: "api_key"; header: string; value: string }
  | { type: "basic"; username: string; password: string }
  | { type: "bearer"; token: string };

export interface WebhookBody {
  format: "json" | "form";
  /**
   * Output field → Liquid template (nested objects allowed), or one string template rendered as
   * the whole body (form: the whole `a=…&b=…` text, outputs URL-encoded). See domain/template.ts.
   */
  template?: Record<string, unknown> | string;
}

/**
 * Hold deliveries of events that carry a `data.call_id` until an event of type `until_event`
 * with the same call id arrives (its data is then merged in), or `max_wait_s` runs out.
 */
export interface WebhookHold {
  until_event: string;
  max_wait_s: number;
}

export const MAX_HOLD_S = 86_400;

/** Named retry presets; `schedule` (seconds between attempts) overrides the preset's waits. */
export type RetryPreset = "standard" | "every_30m_for_7d" | "exponential";

export interface RetryPolicy {
  preset?: RetryPreset;
  /** Seconds to wait before attempt 2, 3, … (attempt 1 is immediate). */
  schedule?: number[];
  max_attempts?: number;
  /** Give up when the next attempt would start later than this many seconds after the first. */
  total_timeout_s?: number;
  /** For the exponential preset. */
  base_s?: number;
  cap_s?: number;
}

export interface SuccessConditions {
  status_codes?: number[];
  /** Dot path into a JSON response body, e.g. `result.ok`. */
  response_key?: string;
  expected_value?: unknown;
}

export interface WebhookFilters {
  campaign_ids?: string[];
  case_types?: string[];
  directions?: Array<"inbound" | "outbound">;
  agent_ids?: string[];
  lead_scores?: string[];
  match?: Record<string, unknown>;
}

/** What event routing needs to know about a webhook. */
export interface WebhookRouting {
  enabled: boolean;
  /** Empty = every event type, including ones added later. Entries may be `call.*` wildcards. */
  events: string[];
  campaign_id: string | null;
  filters: WebhookFilters;
}

/** What the sender needs to know about a webhook. */
export interface WebhookDeliveryConfig {
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  auth: WebhookAuth;
  app_key: string | null;
  body: WebhookBody;
  timeout_ms: number;
  retry: RetryPolicy;
  success: SuccessConditions;
  /** Header for a GitHub-style `sha256=<hex HMAC of the body>`; null → none. */
  signature_header: string | null;
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const MAX_TIMEOUT_MS = 60_000;
