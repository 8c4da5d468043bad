import { nextAttemptAt, parseRetryAfter } from "./retry.js";
import { extractAppend, isSuccessfulResponse } from "./success.js";
import type { RetryPolicy, SuccessConditions } from "./webhook.js";

/** What one attempt produced, as far as the decision needs it. */
export interface AttemptResult {
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
  errorKind: string | null;
  errorMessage: string | null;
}

export interface DeliveryProgress {
  /** Attempts made before this one. */
  attemptsBefore: number;
  firstAttemptAt: number | null;
}

export interface AttemptDecision {
  succeeded: boolean;
  status: "pending" | "succeeded" | "failed";
  /** When the next attempt is due (meaningful while pending). */
  nextAttemptAt: number;
  /** Why the attempt failed, for the delivery and the attempt log. */
  error: string | null;
  /** The endpoint asked to stop (410 Gone): disable the webhook with this reason. */
  disableWebhook: string | null;
  appended?: string | null;
}

/**
 * Errors that no retry can fix: the destination is refused by policy, the body cannot render, or
 * a CRM refused the record's content (`crm_rejected`, with the CRM's message).
 */
const FINAL_ERRORS = new Set(["destination_blocked", "render", "crm_rejected"]);

/**
 * Decides what an attempt means for its delivery: success, another try (when), or failure.
 * 410 Gone stops retries and disables the webhook; 429/503 with Retry-After wait at least that long.
 */
export function decideAttempt(
  result: AttemptResult,
  progress: DeliveryProgress,
  policy: { retry: RetryPolicy; success: SuccessConditions },
  attemptStartedAt: number,
  now: number,
  random?: () => number,
): AttemptDecision {
  if (result.errorKind === null && result.status !== null) {
    const verdict = isSuccessfulResponse(
      policy.success,
      result.status,
      result.body ?? undefined,
      result.headers?.["content-type"],
    );
    if (verdict.success) {
      const append = extractAppend(result.body ?? undefined);
      return {
        succeeded: true,
        status: "succeeded",
        nextAttemptAt: now,
        error: null,
        disableWebhook: null,
        ...(append ? { appended: append.value } : {}),
      };
    }
    if (result.status === 410) {
      return {
        succeeded: false,
        status: "failed",
        nextAttemptAt: now,
        error: "status 410 Gone: the endpoint asked for no more deliveries",
        disableWebhook: "the endpoint answered 410 Gone",
      };
    }
    const retryAfterMs =
      result.status === 429 || result.status === 503
        ? parseRetryAfter(result.headers?.["retry-after"], now)
        : undefined;
    return retryOrFail(
      verdict.reason ?? `status ${result.status}`,
      progress,
      policy.retry,
      attemptStartedAt,
      now,
      retryAfterMs,
      random,
    );
  }
  const error = `${result.errorKind ?? "network"}: ${result.errorMessage ?? "request failed"}`;
  if (FINAL_ERRORS.has(result.errorKind ?? "")) {
    return { succeeded: false, status: "failed", nextAttemptAt: now, error, disableWebhook: null };
  }
  return retryOrFail(error, progress, policy.retry, attemptStartedAt, now, undefined, random);
}

function retryOrFail(
  error: string,
  progress: DeliveryProgress,
  retry: RetryPolicy,
  attemptStartedAt: number,
  now: number,
  retryAfterMs: number | undefined,
  random: (() => number) | undefined,
): AttemptDecision {
  const next = nextAttemptAt(retry, {
    attemptsMade: progress.attemptsBefore + 1,
    firstAttemptAt: progress.firstAttemptAt ?? attemptStartedAt,
    now,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(random ? { random } : {}),
  });
  return next === null
    ? { succeeded: false, status: "failed", nextAttemptAt: now, error, disableWebhook: null }
    : { succeeded: false, status: "pending", nextAttemptAt: next, error, disableWebhook: null };
}
