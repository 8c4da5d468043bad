import type { DeliveryRecord, Store } from "../store/index.js";
import { ClaimPlan, DUE_WEBHOOK_SCAN } from "./claim-plan.js";
import type { EndpointHealth } from "./endpoint-health.js";
import type { Lane, Lanes } from "./lanes.js";

export interface ClaimerOptions {
  owner: string;
  leaseMs: number;
  pollIntervalMs: number;
  /** Limits kept by the store (PostgreSQL, many workers): claims in due order, capped per webhook. */
  sharedLimits: boolean;
  perWebhookInFlight: number;
}

/**
 * The dispatcher's claims: in due order across webhooks while its lanes have room (the head of
 * the due indexes), and per webhook once some lane is full or its circuit open (ClaimPlan), so
 * that no claim reads past the deliveries of endpoints it cannot take more for.
 */
export class Claimer {
  private readonly plan: ClaimPlan;
  /**
   * Lanes that were full, or had too little room to be worth a claim, at the last claim: as soon
   * as one has drained to half, the poller is woken rather than left asleep until its next tick
   * with due work waiting in the store.
   */
  private readonly waiting = new Set<string>();
  /** The last claim that passed over webhooks and found nothing: which ones, and when. */
  private fruitless = { key: "", at: 0 };

  constructor(
    private readonly options: ClaimerOptions,
    private readonly store: Store,
    private readonly lanes: Lanes,
    private readonly health: EndpointHealth,
  ) {
    this.plan = new ClaimPlan(options.pollIntervalMs);
  }

  /** The webhook has due deliveries this process has not claimed yet (e.g. ingest overflow). */
  noteBacklog(webhookId: string): void {
    this.plan.noteBacklog(webhookId);
  }

  /** Whether the lane was waiting to drain and now has (then it no longer waits). */
  drainedToHalf(lane: Lane): boolean {
    if (!this.waiting.has(lane.webhookId)) return false;
    if (lane.jobs.length + lane.inFlight > this.lanes.capacityOf(lane) / 2) return false;
    this.waiting.delete(lane.webhookId);
    return true;
  }

  async claim(limit: number): Promise<DeliveryRecord[]> {
    const now = Date.now();
    const full = this.lanes.full();
    this.waiting.clear();
    for (const webhookId of full) {
      this.waiting.add(webhookId);
      this.plan.noteBacklog(webhookId);
    }
    const skip = [...full, ...this.health.blocked(now)];
    return skip.length === 0 || this.options.sharedLimits
      ? this.claimInDueOrder(now, limit, skip)
      : this.claimTargeted(now, limit, new Set(skip));
  }

  /** The next due deliveries across every webhook but the skipped ones. */
  private async claimInDueOrder(now: number, limit: number, skip: string[]): Promise<DeliveryRecord[]> {
    // With webhooks to skip (only with limits kept by the store), a claim that finds nothing has
    // read the due index to its end; until the set of skipped webhooks changes, repeat it at most
    // once per poll interval.
    const skipKey = skip.join(",");
    if (
      skip.length > 0 &&
      skipKey === this.fruitless.key &&
      now - this.fruitless.at < this.options.pollIntervalMs
    ) {
      return [];
    }
    const rows = await this.store.queue.claimDue(
      this.options.owner,
      now,
      now + this.options.leaseMs,
      limit,
      skip,
      this.options.sharedLimits ? this.options.perWebhookInFlight : null,
    );
    this.fruitless = rows.length === 0 && skip.length > 0 ? { key: skipKey, at: now } : { key: "", at: 0 };
    // A full batch leaves more due behind, likely for the same webhooks.
    if (rows.length === limit) for (const row of rows) this.plan.noteBacklog(row.webhook_id);
    return rows;
  }

  /** Due deliveries of the webhooks known to have some, each up to its lane's room. */
  private async claimTargeted(now: number, limit: number, skip: Set<string>): Promise<DeliveryRecord[]> {
    if (this.plan.shouldLookUp(now)) {
      const found = await this.store.queue.listDueTargets(now, this.plan.lookUpAfter, DUE_WEBHOOK_SCAN);
      this.plan.lookedUp(now, found);
    }
    const wants = this.plan.wants(limit, skip, (webhookId) => {
      const lane = this.lanes.get(webhookId);
      // Each lane asked about is refilled now or not worth a claim yet: either way, it is
      // claimed for again once it has drained to half.
      this.waiting.add(webhookId);
      const capacity = this.lanes.capacityOf(lane);
      return { room: capacity - (lane ? lane.jobs.length + lane.inFlight : 0), capacity };
    });
    if (wants.length === 0) return [];
    const rows = await this.store.queue.claimForTargets(
      this.options.owner,
      now,
      now + this.options.leaseMs,
      wants,
    );
    this.plan.claimed(
      wants,
      rows.map((row) => row.webhook_id),
    );
    return rows;
  }
}
