import { signPayload } from "../domain/signing.js";
import type { HttpMethod, WebhookAuth, WebhookBody } from "../domain/webhook.js";
import type { EventRecord } from "../store/index.js";
import { VERSION } from "../version.js";

export const USER_AGENT = `Switchboard/${VERSION}`;

/** A webhook with its secrets decrypted: what the sender needs to build a request. */
export interface ResolvedWebhook {
  id: string;
  tenant_id: string;
  enabled: boolean;
  deleted: boolean;
  url: string;
  method: HttpMethod;
  headers: Record<string, string>;
  auth: WebhookAuth;
  app_key: string | null;
  body: WebhookBody;
  timeout_ms: number;
  retry: Record<string, unknown>;
  success: Record<string, unknown>;
  /** Secrets that sign right now: the current one, plus the previous during a rotation's grace. */
  secrets: string[];
  /** Header names whose values are credentials (redacted in attempt logs). */
  secretHeaderNames: string[];
  updated_at: number;
}

export interface OutgoingRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** The envelope of DESIGN.md's wire format. */
export function envelopeOf(event: EventRecord): {
  id: string;
  event: string;
  timestamp: string;
  data: Record<string, unknown> | null;
} {
  return {
    id: event.id,
    event: event.type,
    timestamp: new Date(event.occurred_at).toISOString(),
    data: event.data,
  };
}

const jsonBodies = new WeakMap<EventRecord, string>();

/** The default JSON body, serialised once per event however many endpoints it goes to. */
function jsonBodyOf(event: EventRecord): string {
  let body = jsonBodies.get(event);
  if (body === undefined) {
    body = JSON.stringify(envelopeOf(event));
    jsonBodies.set(event, body);
  }
  return body;
}

/** Flat form fields: scalars as they are, objects and arrays as JSON text. */
function formFields(values: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) params.append(key, "");
    else if (typeof value === "object") params.append(key, JSON.stringify(value));
    else params.append(key, String(value));
  }
  return params;
}

function authHeaders(auth: WebhookAuth): Record<string, string> {
  switch (auth.type) {
    case "none":
      return {};
    case "api_key":
      return { [auth.header]: auth.value };
    case "basic":
      return {
        authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`,
      };
    case "bearer":
      return { authorization: `Bearer ${auth.token}` };
  }
}

/**
 * Builds the signed request for one attempt. `timestampSeconds` is the attempt's own time, so a
 * retry is signed afresh while `webhook-id` (the event id) stays the same.
 */
export function buildRequest(
  event: EventRecord,
  webhook: ResolvedWebhook,
  timestampSeconds: number,
): OutgoingRequest {
  const envelope = webhook.body.format === "json" && webhook.method !== "GET" ? null : envelopeOf(event);
  let body: string | null;
  let contentType: string | null;
  let url = webhook.url;
  if (webhook.method === "GET") {
    const query = formFields({
      id: event.id,
      event: event.type,
      timestamp: envelope?.timestamp,
      data: event.data,
    });
    const target = new URL(webhook.url);
    for (const [key, value] of query) target.searchParams.append(key, value);
    url = target.toString();
    body = null;
    contentType = null;
  } else if (webhook.body.format === "form" && envelope) {
    body = formFields({
      id: envelope.id,
      event: envelope.event,
      timestamp: envelope.timestamp,
      ...envelope.data,
    }).toString();
    contentType = "application/x-www-form-urlencoded";
  } else {
    body = jsonBodyOf(event);
    contentType = "application/json";
  }
  const headers: Record<string, string> = {
    ...webhook.headers,
    ...authHeaders(webhook.auth),
    "user-agent": USER_AGENT,
    "webhook-id": event.id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signPayload(webhook.secrets, event.id, timestampSeconds, body ?? ""),
  };
  if (contentType) headers["content-type"] = contentType;
  if (webhook.app_key !== null) headers["x-public-api-key"] = webhook.app_key;
  return { method: webhook.method, url, headers, body };
}
