import type { DeliveryRecord, EventRecord, Store } from "../store/index.js";
import type { ResolvedTarget } from "../targets/kind.js";
import type { Targets } from "../targets/registry.js";
import { withFollowUp } from "./body.js";
import type { EventCache } from "./event-cache.js";
import type { Job } from "./lanes.js";
import type { Metrics } from "./metrics.js";

/**
 * What it takes to send each claimed delivery: its event (merged with the follow-up event that
 * released a held delivery) and its webhook, read in two queries per batch (events only when not
 * in `cache`). Claims whose event or webhook no longer exists are cancelled.
 */
export async function jobsForClaimed(
  store: Store,
  resolver: Targets,
  cache: EventCache,
  owner: string,
  rows: DeliveryRecord[],
  now: number,
): Promise<Job[]> {
  const eventIds = new Set(
    rows.flatMap((r) => (r.merge_event_id ? [r.event_id, r.merge_event_id] : [r.event_id])),
  );
  const eventById = new Map<string, EventRecord>();
  for (const id of eventIds) {
    const cached = cache.get(id);
    if (cached) eventById.set(id, cached);
  }
  const [events, webhooks] = await Promise.all([
    eventById.size < eventIds.size
      ? store.events.getByIds([...eventIds].filter((id) => !eventById.has(id)))
      : [],
    store.targets.getByIds([...new Set(rows.map((r) => r.webhook_id))]),
  ]);
  for (const event of events) {
    cache.add(event);
    eventById.set(event.id, event);
  }
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
      orderKey: row.order_key,
    });
  }
  if (missing.length > 0) await store.queue.cancel(owner, missing, "event or webhook no longer exists", now);
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
  webhook: ResolvedTarget,
  jobs: Job[],
  dueAt?: number,
): Promise<void> {
  const ids = jobs.map((job) => job.deliveryId);
  if (dueAt !== undefined && !webhook.deleted && webhook.enabled) {
    await store.queue.release(owner, ids, dueAt);
  } else if (webhook.deleted) {
    await store.queue.cancel(owner, ids, "webhook deleted", Date.now());
    metrics.deliveries.inc({ outcome: "cancelled" }, ids.length);
  } else {
    await store.queue.park(owner, ids, Date.now());
  }
}
