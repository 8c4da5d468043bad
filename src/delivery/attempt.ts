import { type AttemptDecision, type DeliveryProgress, decideAttempt } from "../domain/outcome.js";
import type { RetryPolicy } from "../domain/webhook.js";
import type { AttemptOutcome, EventRecord } from "../store/index.js";
import type { AttemptRequest, Exchange, ResolvedTarget } from "../targets/kind.js";
import type { Targets } from "../targets/registry.js";
import { attemptRecord } from "./attempt-record.js";
import type { Job } from "./lanes.js";
import type { Metrics } from "./metrics.js";

/** One attempt, sent and judged. */
export interface SentAttempt {
  request: AttemptRequest;
  result: Exchange["result"];
  decision: AttemptDecision;
  startedAt: number;
  finishedAt: number;
}

/**
 * Performs one attempt through the target's kind and decides what the answer means for the
 * delivery. Shared by the dispatcher and "send test".
 */
export async function sendAttempt(
  targets: Pick<Targets, "exchange">,
  event: EventRecord,
  webhook: ResolvedTarget,
  progress: DeliveryProgress,
  retry: RetryPolicy = webhook.retry,
): Promise<SentAttempt> {
  const startedAt = Date.now();
  const { request, result } = await targets.exchange(webhook, event, startedAt);
  const finishedAt = Date.now();
  const decision = decideAttempt(
    result,
    progress,
    { retry, success: webhook.success },
    startedAt,
    finishedAt,
  );
  return { request, result, decision, startedAt, finishedAt };
}

/** Counts an attempt (and a delivery that reached its final state) in the metrics. */
export function countAttempt(metrics: Metrics, { result, decision }: SentAttempt): void {
  metrics.attempts.inc({ result: decision.succeeded ? "success" : (result.errorKind ?? "http_error") });
  metrics.attemptDuration.observe(
    { result: decision.succeeded ? "success" : "failure" },
    result.durationMs / 1000,
  );
  if (decision.status !== "pending") metrics.deliveries.inc({ outcome: decision.status });
}

/** The attempt's log row and its delivery's new state, as the store records them together. */
export function attemptOutcome(job: Job, webhook: ResolvedTarget, sent: SentAttempt): AttemptOutcome {
  const { request, result, decision, startedAt } = sent;
  return {
    attempt: attemptRecord({
      deliveryId: job.deliveryId,
      attemptNumber: job.attemptsBefore + 1,
      webhook,
      event: job.event,
      request,
      result,
      decision,
      startedAt,
    }),
    delivery: {
      id: job.deliveryId,
      status: decision.status,
      next_attempt_at: decision.nextAttemptAt,
      last_status_code: result.status,
      last_error: decision.error,
      ...(decision.appended !== undefined ? { appended: decision.appended } : {}),
      ...(job.orderKey ? { order_key: job.orderKey, webhook_id: job.webhook.id } : {}),
    },
  };
}
