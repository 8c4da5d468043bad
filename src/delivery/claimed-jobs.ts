import type { DeliveryRecord, Store } from "../store/index.js";
import { withFollowUp } from "./body.js";
import type { Job } from "./lanes.js";
import type { Metrics } from "./metrics.js";
import type { ResolvedWebhook } from "./request.js";
import type { WebhookResolver } from "./webhook-resolver.js";

/**
 * What it takes to send each claimed delivery: its event (merged with the follow-up event that
 * released a held delivery) and its webhook, read in two queries per batch. Claims whose event or
 * webhook no longer exists are cancelled.
 */
export async function jobsForClaimed(
  store: Store,
  resolver: WebhookResolver,
  owner: string,
  rows: DeliveryRecord[],
  now: number,
): Promise<Job[]> {
  const eventIds = rows.flatMap((r) => (r.merge_event_id ? [r.event_id, r.merge_event_id] : [r.event_id]));
  const [events, webhooks] = await Promise.all([
    store.getEventsByIds([...new Set(eventIds)]),
    store.getWebhooksByIds([...new Set(rows.map((r) => r.webhook_id))]),
  ]);
  const eventById = new Map(events.map((e) => [e.id, e]));
  const webhookById = new Map(webhooks.map((w) => [w.id, w]));
  const jobs: Job[] = [];
  const missing: string[] = [];
  for (const row of rows) {
    const event = eventById.get(row.event_id);
    const webhook = webhookById.get(row.webhook_id);
    if (!event || !webhook) {
      missing.push(row.id);
      continue;
    }
    jobs.push({
      deliveryId: row.id,
      attemptsBefore: row.attempts,
      firstAttemptAt: row.first_attempt_at,
      event: row.merge_event_id ? withFollowUp(event, eventById.get(row.merge_event_id)) : event,
      webhook: resolver.resolve(webhook, now),
    });
  }
  if (missing.length > 0)
    await store.cancelDeliveries(owner, missing, "event or webhook no longer exists", now);
  return jobs;
}

/**
 * Gives claims back without an attempt: cancelled for a deleted webhook, parked for a disabled
 * one, or due again at `dueAt` (an open circuit: not charged an attempt).
 */
export async function giveBack(
  store: Store,
  metrics: Metrics,
  owner: string,
  webhook: ResolvedWebhook,
  jobs: Job[],
  dueAt?: number,
): Promise<void> {
  const ids = jobs.map((job) => job.deliveryId);
  if (dueAt !== undefined && !webhook.deleted && webhook.enabled) {
    await store.releaseDeliveries(owner, ids, dueAt);
  } else if (webhook.deleted) {
    await store.cancelDeliveries(owner, ids, "webhook deleted", Date.now());
    metrics.deliveries.inc({ outcome: "cancelled" }, ids.length);
  } else {
    await store.parkDeliveries(owner, ids, Date.now());
  }
}
