import type { AttemptResult } from "../domain/outcome.js";
import type { RetryPolicy, SuccessConditions } from "../domain/webhook.js";
import type { EventRecord, WebhookRecord } from "../store/index.js";

/**
 * A delivery target resolved for sending (secrets decrypted), as the dispatcher, its lanes, the
 * endpoint health and the retry decision see it. Each kind extends it with what its own
 * `exchange` needs; nothing outside the kind's folder reads those fields.
 */
export interface ResolvedTarget {
  kind: string;
  id: string;
  tenant_id: string;
  enabled: boolean;
  deleted: boolean;
  /** Where deliveries go, for people: the URL of a webhook, `mailto:` of an email destination. */
  url: string;
  timeout_ms: number;
  retry: RetryPolicy;
  success: SuccessConditions;
  /** Attempts in flight at once to this target; null → the dispatcher's default. */
  max_in_flight: number | null;
  /** Attempts started per second at most; null → unlimited. */
  rate_limit_per_s: number | null;
  /** Request header names whose values are credentials (redacted in attempt logs). */
  secretHeaderNames: string[];
  updated_at: number;
}

/**
 * The fields every kind's resolved target takes from its stored row as they are: routing state,
 * the delivery policy and limits. A kind adds its own settings (and credential header names).
 */
export function targetBase<K extends string>(
  kind: K,
  record: WebhookRecord & { deleted_at?: number | null },
): ResolvedTarget & { kind: K } {
  return {
    kind,
    id: record.id,
    tenant_id: record.tenant_id,
    enabled: record.enabled,
    deleted: (record.deleted_at ?? null) !== null,
    url: record.url,
    timeout_ms: record.timeout_ms,
    retry: record.retry,
    success: record.success,
    max_in_flight: record.max_in_flight,
    rate_limit_per_s: record.rate_limit_per_s,
    secretHeaderNames: [],
    updated_at: record.updated_at,
  };
}

/** What one attempt sent, as the attempt log keeps it (method `SMTP` for email, say). */
export interface AttemptRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** One attempt's exchange with the target: what went out and what came back. */
export interface Exchange {
  request: AttemptRequest;
  result: AttemptResult & { durationMs: number };
}

/**
 * One kind of delivery target (HTTP webhook, email, …): one folder under src/targets/ that
 * implements this. Lanes, health, the breaker, retries, holds and the attempt log are the same
 * for every kind, so a kind only resolves its stored settings and performs one attempt.
 */
export interface TargetKind<T extends ResolvedTarget = ResolvedTarget> {
  /** The `kind` column's value. */
  readonly name: string;
  /**
   * Decrypts the stored target for sending. `validUntil` says when the result goes stale even
   * without a new version (a rotated-out secret's grace period ending).
   */
  resolve(
    record: WebhookRecord & { deleted_at?: number | null },
    now: number,
  ): { target: T; validUntil: number };
  /**
   * Performs one attempt of `event` at `startedAt` (signing time). Never throws: a failure is a
   * result with an `errorKind`, or a status the kind maps its protocol's reply to.
   */
  exchange(target: T, event: EventRecord, startedAt: number): Promise<Exchange>;
  close(): Promise<void>;
}
