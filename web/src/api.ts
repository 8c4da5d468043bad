/** The dashboard's only back end: the Switchboard HTTP API (same origin, `/v1/...`). */
import type { DeliveryStateName, DeliveryStatus } from "../../src/domain/delivery-state.js";
import type {
  RetryPolicy,
  SuccessConditions,
  TargetHealth,
  Webhook as WebhookAnswer,
  WebhookAuth,
  WebhookFilters,
} from "../../src/domain/webhook.js";

export interface Session {
  key: string;
  /** True when signed in with the admin key (acting for `tenantId` via `Switchboard-Tenant`). */
  admin: boolean;
  tenantId: string | null;
  tenantName: string | null;
  /** An embedded portal session (`sbp_…` token): one tenant's webhooks and deliveries, nothing else. */
  portal?: boolean;
}

const STORAGE_KEY = "switchboard.session";

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Session>;
    if (typeof parsed.key !== "string" || parsed.key === "") return null;
    return {
      key: parsed.key,
      admin: parsed.admin === true,
      tenantId: typeof parsed.tenantId === "string" ? parsed.tenantId : null,
      tenantName: typeof parsed.tenantName === "string" ? parsed.tenantName : null,
      portal: parsed.portal === true,
    };
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  try {
    if (session === null) sessionStorage.removeItem(STORAGE_KEY);
    else sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  } catch {
    // Storage can be unavailable (private mode); the session then lasts as long as the page.
  }
}

/** An error answer of the API (`{"error": {code, message, details}}`) or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | undefined,
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** JSON pointer of the failing input (`/body/url`), when the server named one. */
  get path(): string | null {
    const path = this.details?.path;
    return typeof path === "string" ? path : null;
  }
}

export interface Credentials {
  key: string;
  tenantId: string | null;
}

/** One API call; resolves with the parsed JSON answer (null for 204), rejects with {@link ApiError}. */
export async function apiRequest<T>(
  credentials: Credentials,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
  extraHeaders?: Record<string, string>,
): Promise<T> {
  const headers: Record<string, string> = {
    accept: "application/json",
    authorization: `Bearer ${credentials.key}`,
    ...extraHeaders,
  };
  if (credentials.tenantId) headers["switchboard-tenant"] = credentials.tenantId;
  let payload: string | undefined;
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: payload, signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(
      0,
      "network_error",
      "Could not reach the Switchboard server. Check that it is running, then try again.",
      undefined,
    );
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== "") {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const envelope = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)
      ?.error;
    throw new ApiError(
      response.status,
      typeof envelope?.code === "string" ? envelope.code : "http_error",
      typeof envelope?.message === "string"
        ? envelope.message
        : `The server answered HTTP ${response.status}.`,
      envelope?.details && typeof envelope.details === "object"
        ? (envelope.details as Record<string, unknown>)
        : undefined,
    );
  }
  return parsed as T;
}

export const isAbort = (error: unknown): boolean =>
  error instanceof DOMException && error.name === "AbortError";

export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

// ---- Shapes of the API's answers (the fields the dashboard reads) ----

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  created_at: string;
}

// The shapes the server answers with, imported from the schemas its routes validate and answer
// with (src/domain/webhook.ts): never re-declared here.
export type AuthSettings = WebhookAuth;
export type Filters = WebhookFilters;
export type RetrySettings = RetryPolicy;
export type SuccessSettings = SuccessConditions;
export type Health = TargetHealth;
/** A webhook as the API answers with it; `secret` only in the answer to create. */
export type Webhook = WebhookAnswer & { secret?: string };

export type { KaisaMacro } from "../../src/domain/kaisa.js";
/** `GET /v1/webhook-presets`: destination presets for the new-webhook gallery. */
export type { WebhookPreset } from "../../src/domain/presets.js";

export type { DeliveryStateName, DeliveryStatus };

export interface Delivery {
  id: string;
  event_id: string;
  event_type: string;
  webhook_id: string;
  status: DeliveryStatus;
  /** What it is doing now, decoded by the server (src/domain/delivery-state.ts). */
  state: DeliveryStateName;
  attempt_count: number;
  /** Due at (`due`), held until (`held`), lease end (`claimed`), the breaker's probe (`circuit_open`). */
  next_attempt_at: string | null;
  /** While `held`: the event that releases it and the call it must carry. */
  hold?: { until_event: string; call_id: string; until: string } | null;
  /** Its key when its webhook orders per key; `blocked_by` while `held_by_ordering`. */
  ordering?: { key: string; blocked_by: string | null } | null;
  first_attempt_at: string | null;
  last_attempt_at: string | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface Attempt {
  id: string;
  delivery_id: string;
  attempt_number: number;
  succeeded: boolean;
  request: { method: string; url: string; headers: Record<string, string>; body: string | null };
  response: { status: number; headers: Record<string, string> | null; body: string | null } | null;
  error: { kind: string; message: string | null } | null;
  duration_ms: number | null;
  created_at: string;
}

export interface DeliveryDetail extends Delivery {
  attempts: Attempt[];
}

export interface EventType {
  name: string;
  category: string;
  description: string;
  schema: Record<string, unknown>;
  example: Record<string, unknown>;
}

export interface EventTypeDetail extends EventType {
  variables: string[];
}

export interface EventCatalog {
  data: EventType[];
  categories: Array<{ name: string; types: string[] }>;
}

export interface TestResult {
  event_id: string;
  delivery_id: string;
  succeeded: boolean;
  attempt: Attempt;
}

export interface SecretAnswer {
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
}
