import type { WebhookHealthTable } from "../schema.js";
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from "../store.js";

/** The delivery table as the queue: what the dispatcher claims, renews and records. */

/** How a dispatcher finishes an attempt: the attempt row and the delivery's new state. */
export interface AttemptOutcome {
  attempt: AttemptRecord;
  delivery: {
    id: string;
    status: DeliveryStatus;
    next_attempt_at: number;
    last_status_code: number | null;
    last_error: string | null;
    appended?: string | null;
    /**
     * The delivery's key when it is ordered (its row's `order_key`): once it leaves `pending`, the
     * next delivery in its key's line becomes due in the same transaction.
     */
    order_key?: string | null;
    webhook_id?: string;
  };
}

/** A webhook's health as the dispatcher last recorded it (the row as it is). */
export type WebhookHealth = WebhookHealthTable;

/** One webhook's share of a targeted claim. */
export interface WebhookClaim {
  webhookId: string;
  limit: number;
}

/** Webhooks found with due deliveries, and where the next scan goes on (null: from the start). */
export interface DueWebhooks {
  webhookIds: string[];
  resumeAfter: string | null;
}

/** The backlog as metrics report it; counts stop at the cap they were asked with. */
export interface DueStats {
  /** Pending deliveries due now, not counting those held by an open circuit. */
  due: number;
  /** Pending deliveries due now whose webhook's circuit is open: they wait for its probe. */
  held: number;
  /** When the oldest due delivery (not held) became due; null when none is. */
  oldestDueAt: number | null;
}

/** How nodes tell each other that deliveries became due (PostgreSQL LISTEN/NOTIFY). */
export interface DueSignal {
  /** Tells every listening node that deliveries are due. */
  notify(): Promise<void>;
  /** Calls `onDue` whenever any node notifies; resolves to a function that stops listening. */
  listen(onDue: () => void, onError: (error: unknown) => void): Promise<() => Promise<void>>;
}

/** The delivery table as the queue: the dispatcher's claims, leases and outcomes (src/store/queue/). */
export interface QueueRepository {
  /**
   * Claims up to `limit` due deliveries for `owner` until `leaseUntil`, passing over deliveries
   * to `skipWebhookIds` (webhooks whose local lanes are full). With `sharedCap` (PostgreSQL), no
   * webhook ends up with more claimed deliveries across all nodes than its `max_in_flight`
   * (or `sharedCap` when unset).
   */
  claimDue(
    owner: string,
    now: number,
    leaseUntil: number,
    limit: number,
    skipWebhookIds?: string[],
    sharedCap?: number | null,
  ): Promise<DeliveryRecord[]>;
  /**
   * Claims, for each listed webhook, up to its `limit` due deliveries in due order (first
   * attempts and retries alike), for `owner` until `leaseUntil`; the cost does not depend on
   * what other webhooks have due.
   */
  claimForTargets(
    owner: string,
    now: number,
    leaseUntil: number,
    wants: WebhookClaim[],
  ): Promise<DeliveryRecord[]>;
  /** Webhooks with deliveries due at `now`, visiting at most `scan` webhooks after `afterId`. */
  listDueTargets(now: number, afterId: string | null, scan: number): Promise<DueWebhooks>;
  /**
   * Records finished attempts and the deliveries' new states in one transaction. A delivery is
   * updated (and its attempt kept) only while `owner` still holds its claim; returns the ids
   * whose outcome was recorded.
   */
  recordAttempts(owner: string, outcomes: AttemptOutcome[], now: number): Promise<Set<string>>;
  /** Gives claims back (shutdown): the deliveries become due at `dueAt`. */
  release(owner: string, ids: string[], dueAt: number): Promise<void>;
  /** Extends this owner's claims on these deliveries until `leaseUntil` (long local queues). */
  renew(owner: string, ids: string[], leaseUntil: number): Promise<void>;
  /**
   * Gives back claims on deliveries whose webhook turned out to be disabled: they wait, out of
   * the due index, until it is enabled (or are due now if it was enabled meanwhile).
   */
  park(owner: string, ids: string[], now: number): Promise<void>;
  /** Cancels claimed deliveries whose webhook was deleted. */
  cancel(owner: string, ids: string[], reason: string, now: number): Promise<void>;
  /**
   * Makes every claimed pending delivery due now. Only for the embedded store at start, where
   * this process is the only node and any claim left behind belongs to a previous run.
   */
  resetClaims(now: number): Promise<number>;
  /** Due, held and the oldest due delivery's time, each count read up to `cap` rows at most. */
  dueStats(now: number, cap: number): Promise<DueStats>;
}
