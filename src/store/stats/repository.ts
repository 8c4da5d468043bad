import type { ActivityCell, ActivityWindow } from "../../domain/delivery-activity.js";
import type { SpendDay } from "../../domain/enrichment/spend-days.js";

export type { ActivityWindow };

/** One webhook's attempts in one step. */
export interface WebhookVolumeCell {
  webhookId: string;
  at: number;
  attempts: number;
  /** Attempts that did not succeed (answered with a failure or not at all). */
  failed: number;
}

/** Recorded enrichment spend of one provider on one of the tenant's days. */
export interface SpendCell {
  date: string;
  provider: string;
  costMicros: number;
}

/**
 * Aggregates for the dashboard's charts, computed in the store so an answer is a few thousand rows
 * at most however many attempts or lookups the range holds.
 */
export interface StatsRepository {
  /**
   * A target's attempts in the window by step, outcome and latency bucket (see
   * `LATENCY_BUCKET_BOUNDS`), rolling up its closed minutes first. The caller has checked that the
   * target is the tenant's.
   */
  deliveryActivity(webhookId: string, window: ActivityWindow): Promise<ActivityCell[]>;
  /** Attempts and failures by step of each of the tenant's undeleted webhooks that made any. */
  webhookVolumes(tenantId: string, window: ActivityWindow): Promise<WebhookVolumeCell[]>;
  /** Recorded lookup costs (reservations included, as the budget counts them) by day and provider. */
  enrichmentSpend(tenantId: string, days: readonly SpendDay[]): Promise<SpendCell[]>;
}
