import { generateId } from "../../src/domain/ids.js";
import type { Store } from "../../src/store/index.js";

/**
 * Records one finished attempt of a one-off delivery, started at `at`, through the store's own
 * test-send write (event, delivery and attempt together): the chart series read attempts only.
 */
export async function recordAttempt(
  store: Store,
  tenantId: string,
  webhookId: string,
  at: number,
  outcome: { status: number | null; succeeded: boolean; ms: number },
): Promise<void> {
  const event = {
    id: generateId("evt_"),
    tenant_id: tenantId,
    type: "call.started",
    data: { call_id: "c1" },
    campaign_id: null,
    case_type: null,
    idempotency_key: null,
    occurred_at: at,
    created_at: at,
  };
  const delivery = {
    id: generateId("dlv_"),
    tenant_id: tenantId,
    event_id: event.id,
    webhook_id: webhookId,
    status: outcome.succeeded ? ("succeeded" as const) : ("failed" as const),
    attempts: 1,
    next_attempt_at: at,
    lease_owner: null,
    first_attempt_at: at,
    last_attempt_at: at,
    last_status_code: outcome.status,
    last_error: null,
    appended: null,
    hold_key: null,
    hold_event_type: null,
    hold_until: null,
    merge_event_id: null,
    order_key: null,
    created_at: at,
    updated_at: at,
  };
  await store.deliveries.recordTest(event, delivery, {
    id: generateId("att_"),
    tenant_id: tenantId,
    delivery_id: delivery.id,
    webhook_id: webhookId,
    event_id: event.id,
    attempt_number: 1,
    succeeded: outcome.succeeded,
    request_method: "POST",
    request_url: "https://hooks.example.com/",
    request_headers: {},
    request_body: null,
    request_body_envelope: true,
    response_status: outcome.status,
    response_headers: outcome.status === null ? null : {},
    response_body: null,
    error_kind: outcome.status === null ? "timeout" : null,
    error_message: outcome.status === null ? "timed out" : null,
    duration_ms: outcome.ms,
    created_at: at,
  });
}
