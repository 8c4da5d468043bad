import type { Selectable } from "kysely";
import { eventLinks } from "../domain/records/event-links.js";
import type { SigningScheme } from "../domain/signing.js";
import type {
  HttpMethod,
  RetryPolicy,
  SuccessConditions,
  WebhookBody,
  WebhookFilters,
  WebhookHold,
} from "../domain/webhook.js";
import type { AttemptTable, DeliveryTable, EventTable, WebhookTable } from "./schema.js";
import type { AttemptRecord, DeliveryRecord, EventRecord, Page, WebhookRecord } from "./store.js";

export { HELD_UNTIL_ENABLED } from "../domain/delivery-state.js";

export function webhookFromRow(row: Selectable<WebhookTable>): WebhookRecord & { deleted_at: number | null } {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    kind: row.kind,
    target_config: row.target_config,
    url: row.url,
    description: row.description,
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    events: JSON.parse(row.events) as string[],
    campaign_id: row.campaign_id,
    filters: JSON.parse(row.filters) as WebhookFilters,
    method: row.method as HttpMethod,
    headers: JSON.parse(row.headers) as Record<string, string>,
    auth: row.auth,
    app_key: row.app_key,
    body: JSON.parse(row.body) as WebhookBody,
    timeout_ms: row.timeout_ms,
    retry: JSON.parse(row.retry) as RetryPolicy,
    success: JSON.parse(row.success) as SuccessConditions,
    max_in_flight: row.max_in_flight,
    rate_limit_per_s: row.rate_limit_per_s,
    signature_header: row.signature_header,
    hold: row.hold === null ? null : (JSON.parse(row.hold) as WebhookHold),
    signing_scheme: row.signing_scheme as SigningScheme,
    signing_key: row.signing_key,
    previous_signing_key: row.previous_signing_key,
    previous_signing_key_expires_at: row.previous_signing_key_expires_at,
    ordering: row.ordering === "per_key" ? "per_key" : "none",
    ordering_key: row.ordering_key,
    secret: row.secret,
    previous_secret: row.previous_secret,
    previous_secret_expires_at: row.previous_secret_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
    deleted_at: row.deleted_at,
  };
}

type WebhookColumns = Omit<WebhookTable, "id" | "tenant_id" | "kind" | "created_at" | "deleted_at">;

/** Encodes the JSON and boolean columns of a (partial) webhook record. */
export function webhookToRow(webhook: Partial<WebhookRecord>): Partial<WebhookColumns> {
  const row: Partial<WebhookColumns> = {};
  for (const [key, value] of Object.entries(webhook)) {
    if (value === undefined || key === "id" || key === "tenant_id" || key === "kind" || key === "created_at")
      continue;
    switch (key) {
      case "enabled":
        row.enabled = value ? 1 : 0;
        break;
      case "events":
      case "filters":
      case "headers":
      case "body":
      case "retry":
      case "success":
        row[key] = JSON.stringify(value);
        break;
      case "hold":
        row.hold = value === null ? null : JSON.stringify(value);
        break;
      default:
        (row as Record<string, unknown>)[key] = value;
    }
  }
  return row;
}

/** The stored JSON text of an event's data, on events read from the store (see eventFromRow). */
export const DATA_JSON: unique symbol = Symbol("event data JSON");

/**
 * An event as stored. Its `data` is parsed on first use: most deliveries send the standard
 * envelope, which is built from the stored text as it is (`DATA_JSON`, not enumerable, so a copy
 * with other data does not carry it), and an unparsed event holds a third of the memory.
 */
export function eventFromRow(row: Selectable<EventTable>): EventRecord {
  const { call_id: _callId, client_id: _clientId, case_id: _caseId, phone: _phone, test, ...fields } = row;
  const text = row.data;
  let data: Record<string, unknown> | null | undefined;
  const event = fields as unknown as EventRecord;
  if (test === 1) event.test = true;
  Object.defineProperty(event, "data", {
    enumerable: true,
    configurable: true,
    get: () => {
      if (data === undefined) data = JSON.parse(text) as Record<string, unknown> | null;
      return data;
    },
    set: (value: Record<string, unknown> | null) => {
      data = value;
      Object.defineProperty(event, DATA_JSON, { value: undefined });
    },
  });
  Object.defineProperty(event, DATA_JSON, { value: text, configurable: true, writable: false });
  return event;
}

export function eventToRow(event: EventRecord): EventTable {
  const callId = event.data?.call_id;
  const { test, ...fields } = event;
  return {
    ...fields,
    test: test ? 1 : 0,
    data: JSON.stringify(event.data),
    call_id: typeof callId === "string" ? callId : null,
    ...eventLinks(event.type, event.data),
  };
}

export function deliveryFromRow(row: Selectable<DeliveryTable>): DeliveryRecord {
  return row;
}

export function attemptFromRow(row: Selectable<AttemptTable>): AttemptRecord {
  return {
    ...row,
    succeeded: row.succeeded === 1,
    request_body_envelope: row.request_body_envelope === 1,
    request_headers: JSON.parse(row.request_headers) as Record<string, string>,
    response_headers:
      row.response_headers === null ? null : (JSON.parse(row.response_headers) as Record<string, string>),
  };
}

export function attemptToRow(attempt: AttemptRecord): AttemptTable {
  return {
    ...attempt,
    succeeded: attempt.succeeded ? 1 : 0,
    request_body_envelope: attempt.request_body_envelope ? 1 : 0,
    request_headers: JSON.stringify(attempt.request_headers),
    response_headers: attempt.response_headers === null ? null : JSON.stringify(attempt.response_headers),
  };
}

/** A page of `limit` rows from a query that asked for `limit + 1` (the extra one says "more"). */
export function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data, next_cursor: more ? (data[data.length - 1]?.id ?? null) : null };
}
