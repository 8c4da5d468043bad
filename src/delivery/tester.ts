import { findEventType } from "../domain/catalog/index.js";
import { generateId } from "../domain/ids.js";
import type { AttemptRecord, DeliveryRecord, EventRecord, Store, WebhookRecord } from "../store/index.js";
import type { Targets } from "../targets/registry.js";
import { sendAttempt } from "./attempt.js";
import { attemptRecord } from "./attempt-record.js";

export const TEST_EVENT_TYPE = "webhook.test";

/**
 * The payload of a test send: the catalog's example, except that `webhook.test` names the real
 * target and the time it was asked for, so a receiver can check what it got is this test.
 */
function testData(
  type: string,
  example: Record<string, unknown>,
  record: WebhookRecord,
  now: number,
): Record<string, unknown> {
  if (type !== TEST_EVENT_TYPE) return example;
  return { ...example, webhook_id: record.id, url: record.url, requested_at: new Date(now).toISOString() };
}

/**
 * "Send test": delivers one catalog example to one webhook right away, outside the queue, signed
 * like any delivery with `"test": true` in its envelope, and logs it as a test event (left out of
 * the default event list) with a single finished delivery (no retries, no fan-out to other webhooks).
 */
export class WebhookTester {
  constructor(
    private readonly store: Store,
    private readonly targets: Targets,
  ) {}

  async test(
    record: WebhookRecord,
    eventType: string,
  ): Promise<{ event: EventRecord; delivery: DeliveryRecord; attempt: AttemptRecord }> {
    const type = findEventType(eventType);
    if (!type) throw new Error(`unknown event type ${eventType}`);
    const startedAt = Date.now();
    const webhook = this.targets.resolve(record, startedAt);
    const event: EventRecord = {
      id: generateId("evt_"),
      tenant_id: record.tenant_id,
      type: type.name,
      data: testData(type.name, structuredClone(type.example) as Record<string, unknown>, record, startedAt),
      campaign_id: null,
      case_type: null,
      idempotency_key: null,
      occurred_at: startedAt,
      created_at: startedAt,
      test: true,
    };
    // A test is one attempt: no retries.
    const sent = await sendAttempt(
      this.targets,
      event,
      webhook,
      { attemptsBefore: 0, firstAttemptAt: startedAt },
      { ...webhook.retry, max_attempts: 1 },
    );
    const { request, result, decision, finishedAt: now } = sent;
    const delivery: DeliveryRecord = {
      id: generateId("dlv_"),
      tenant_id: record.tenant_id,
      event_id: event.id,
      webhook_id: record.id,
      status: decision.succeeded ? "succeeded" : "failed",
      attempts: 1,
      next_attempt_at: now,
      lease_owner: null,
      first_attempt_at: startedAt,
      last_attempt_at: startedAt,
      last_status_code: result.status,
      last_error: decision.error,
      appended: decision.appended ?? null,
      hold_key: null,
      hold_event_type: null,
      hold_until: null,
      // A test send stands outside any key's line: nothing waits for it.
      order_key: null,
      merge_event_id: null,
      created_at: startedAt,
      updated_at: now,
    };
    const attempt = attemptRecord({
      deliveryId: delivery.id,
      attemptNumber: 1,
      webhook,
      event,
      request,
      result,
      decision,
      startedAt,
    });
    await this.store.deliveries.recordTest(event, delivery, attempt);
    return { event, delivery, attempt };
  }
}
