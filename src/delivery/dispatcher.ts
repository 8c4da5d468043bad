import type { Logger } from "pino";
import type { DeliveryHandoff } from "../events/ingest.js";
import type { IngestResult, Store, WebhookRecord } from "../store/index.js";
import type { ResolvedTarget } from "../targets/kind.js";
import type { Targets } from "../targets/registry.js";
import { attemptOutcome, countAttempt, sendAttempt } from "./attempt.js";
import { AttemptWriter } from "./attempt-writer.js";
import { giveBack, jobsForClaimed } from "./claimed-jobs.js";
import { Claimer } from "./claimer.js";
import type { EndpointHealth } from "./endpoint-health.js";
import { EventCache } from "./event-cache.js";
import { type Job, type Lane, Lanes } from "./lanes.js";
import type { Metrics } from "./metrics.js";

export interface DispatcherOptions {
  owner: string;
  /** Attempts in flight at once across all endpoints. */
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  leaseMs: number;
  /** Attempts in flight at once to one webhook, unless the webhook sets `max_in_flight`. */
  perWebhookInFlight: number;
  /**
   * Enforce per-webhook limits through the store, across every node (PostgreSQL): claims never
   * exceed an endpoint's `max_in_flight` cluster-wide, and ingest does not pre-claim.
   */
  sharedLimits: boolean;
}

/**
 * Claims due deliveries, sends them, and records the attempts.
 *
 * Each webhook has its own lane (lanes.ts) with a bounded number of attempts in flight; lanes
 * take turns for the process-wide concurrency, so a slow endpoint only ever occupies its own
 * slots. A lane holds at most a few rounds of work: claims (claimer.ts) take nothing for webhooks
 * whose lanes are full or whose circuit is open, so a dead endpoint's backlog stays in the store
 * instead of crowding out healthy endpoints here.
 */
export class Dispatcher implements DeliveryHandoff {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly lanes: Lanes;
  /** Every delivery this process holds a claim on (queued or in flight). */
  private readonly held = new Set<string>();
  private readonly writer: AttemptWriter;
  private stopping = false;
  private pollLoop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private idle: Array<() => void> = [];
  private renewTimer: NodeJS.Timeout | null = null;
  private lastRefresh = 0;
  private readonly claimer: Claimer;
  /** Events of recent claims and hand-offs: the other webhooks' deliveries of an event need them too. */
  private readonly events = new EventCache(2_048);
  /** Attempts started and not yet on record (their HTTP exchange may be over). */
  private recording = 0;
  /** The pump stopped because too many finished attempts wait for the store's writer. */
  private recordBound = false;
  /** The last claim had no room at all here: wake the poller once this process has drained to half. */
  private roomBoundAtClaim = false;
  /** When the poll loop last turned (readiness); null while it is not running. */
  private lastTurnAt: number | null = null;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly store: Store,
    /** Resolves stored targets and performs attempts through each target's kind. */
    private readonly targets: Targets,
    private readonly health: EndpointHealth,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.writer = new AttemptWriter(store, options.owner, log);
    // A lane holds a few rounds of its slots claimed; with limits enforced by the store, exactly
    // one round (what is claimed is what may be in flight).
    this.lanes = new Lanes(options.perWebhookInFlight, options.sharedLimits ? 1 : 8, () => this.pump());
    this.claimer = new Claimer(options, store, this.lanes, health);
  }

  /** Claimed work this process will hold at most, across lanes. */
  private get capacity(): number {
    return Math.max(this.options.concurrency * 4, this.options.batchSize * 2);
  }

  /** Claimed deliveries here, queued or in flight. */
  private get load(): number {
    return this.lanes.queued + this.lanes.inFlight;
  }

  start(): void {
    this.pollLoop ??= this.poll();
    // Leases are renewed well before they run out, for work still queued behind a slow endpoint.
    this.renewTimer = setInterval(
      () => void this.renewLeases(),
      Math.max(1_000, Math.floor(this.leaseMs / 3)),
    );
    this.renewTimer.unref();
  }

  /** When the delivery loop last turned; null when it is not running (readiness). */
  lastPollAt(): number | null {
    return this.lastTurnAt;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  accepts(counts: Map<string, number>): Map<string, number> {
    const accepted = new Map<string, number>();
    // Pre-claiming at ingest would bypass the store's cross-node count.
    if (this.stopping || this.options.sharedLimits) return accepted;
    let room = this.capacity - this.load;
    const now = Date.now();
    for (const [webhookId, count] of counts) {
      if (this.health.blockedUntil(webhookId, now) !== null) continue;
      const lane = this.lanes.get(webhookId);
      const laneRoom = this.lanes.capacityOf(lane) * 2 - (lane ? lane.jobs.length + lane.inFlight : 0);
      const take = Math.max(0, Math.min(count, laneRoom, room));
      if (take > 0) accepted.set(webhookId, take);
      if (take < count) this.claimer.noteBacklog(webhookId);
      room -= take;
    }
    return accepted;
  }

  handoff(results: IngestResult[], webhooks: Map<string, WebhookRecord>): void {
    const now = Date.now();
    for (const result of results) {
      let unclaimed = false;
      for (const delivery of result.deliveries) {
        if (!delivery.claimed) {
          unclaimed = true;
          continue;
        }
        const record = webhooks.get(delivery.webhookId);
        if (!record) continue;
        this.enqueue({
          deliveryId: delivery.id,
          attemptsBefore: 0,
          firstAttemptAt: null,
          event: result.event,
          webhook: this.targets.resolve(record, now),
          orderKey: delivery.orderKey ?? null,
        });
      }
      // Deliveries this process could not take now are claimed later: keep their event at hand.
      if (unclaimed) this.events.add(result.event);
    }
    this.pump();
  }

  /** Stops claiming, lets in-flight attempts finish, gives the rest of the claims back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.lastTurnAt = null;
    this.wake();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.pollLoop;
    const unsent: string[] = [];
    for (const lane of [...this.lanes.all()]) {
      for (const job of this.lanes.drain(lane)) {
        unsent.push(job.deliveryId);
        this.held.delete(job.deliveryId);
      }
    }
    if (this.lanes.inFlight > 0 || this.recording > 0)
      await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.writer.flush();
    if (unsent.length > 0) await this.store.queue.release(this.owner, unsent, Date.now());
    this.metrics.queued.set(0);
  }

  /** Resolves when nothing is queued or in flight here (tests, benchmarks). */
  async drained(): Promise<void> {
    if (this.load === 0 && this.recording === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      this.lastTurnAt = Date.now();
      this.woken = false;
      if (Date.now() - this.lastRefresh >= this.options.pollIntervalMs) {
        this.lastRefresh = Date.now();
        try {
          await this.refreshLanes();
        } catch (error) {
          this.log.error({ err: error }, "refreshing queued webhooks failed");
        }
      }
      let claimed = 0;
      const room = Math.min(this.options.batchSize, this.capacity - this.load);
      this.roomBoundAtClaim = room <= 0;
      if (room > 0) {
        try {
          claimed = await this.claim(room);
        } catch (error) {
          this.log.error({ err: error }, "claiming deliveries failed");
        }
      }
      if (this.stopping) break;
      // A full batch means there is likely more due: claim again at once.
      if (claimed > 0 && claimed === room) continue;
      if (this.woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollIntervalMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private async claim(limit: number): Promise<number> {
    const rows = await this.claimer.claim(limit);
    if (rows.length === 0) return 0;
    const now = Date.now();
    const fresh = rows.filter((row) => !this.held.has(row.id));
    for (const job of await jobsForClaimed(this.store, this.targets, this.events, this.owner, fresh, now))
      this.enqueue(job);
    this.pump();
    return rows.length;
  }

  /**
   * Re-reads the webhooks that have deliveries waiting here, so a webhook disabled, deleted or
   * changed meanwhile (through the API, on any node) is seen before its queued deliveries go out:
   * those of a disabled webhook are parked, those of a deleted one cancelled.
   */
  private async refreshLanes(): Promise<void> {
    const waiting = [...this.lanes.all()].filter((lane) => lane.jobs.length > 0);
    if (waiting.length === 0) return;
    const records = await this.store.targets.getByIds(waiting.map((lane) => lane.webhookId));
    const now = Date.now();
    const byId = new Map(records.map((record) => [record.id, record]));
    for (const lane of waiting) {
      const record = byId.get(lane.webhookId);
      const stored = record ? this.targets.resolve(record, now) : null;
      if (stored) this.lanes.adopt(lane, stored);
      this.lanes.resume(lane);
      // Given back once the store says so: parking reads the store's `enabled`, and a webhook
      // disabled here by a 410 is disabled in the store (then given back) by that attempt.
      if (!stored?.enabled || stored.deleted) await this.giveBackQueued(lane);
    }
  }

  /** Parks (disabled webhook) or cancels (deleted webhook) the lane's queued deliveries. */
  private async giveBackQueued(lane: Lane, dueAt?: number): Promise<void> {
    const jobs = this.lanes.drain(lane);
    if (jobs.length === 0) return;
    this.metrics.queued.set(this.lanes.queued);
    try {
      await this.giveBack(lane.webhook, jobs, dueAt);
    } finally {
      for (const job of jobs) this.held.delete(job.deliveryId);
      this.settleIdle();
    }
  }

  private giveBack(webhook: ResolvedTarget, jobs: Job[], dueAt?: number): Promise<void> {
    return giveBack(this.store, this.metrics, this.owner, webhook, jobs, dueAt);
  }

  private enqueue(job: Job): void {
    if (this.held.has(job.deliveryId)) return;
    this.held.add(job.deliveryId);
    this.lanes.add(job);
  }

  private wakeIfDrained(lane: Lane): void {
    // With limits kept by the store, a freed slot may be claimable only now (another node's claim
    // ended): claim again whenever one frees. The poll loop runs one claim at a time.
    if (this.options.sharedLimits) {
      this.wake();
      return;
    }
    if (this.claimer.drainedToHalf(lane)) {
      this.wake();
    } else if (this.roomBoundAtClaim && this.load <= this.capacity / 2) {
      this.roomBoundAtClaim = false;
      this.wake();
    }
  }

  private settleIdle(): void {
    if (this.recording === 0 && this.lanes.inFlight === 0 && (this.lanes.queued === 0 || this.stopping)) {
      for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Starts as many attempts as the concurrency, lane limits and circuits allow. */
  private pump(): void {
    const now = Date.now();
    for (;;) {
      // Attempts whose exchange is over but which are not on record yet are bounded: a store
      // slower than the endpoints must slow the sending, and a crash re-sends each of them. Two
      // rounds of the concurrency let one batch be written while the next gathers (one round cost
      // ~8 % of PostgreSQL's throughput).
      if (this.recording - this.lanes.inFlight >= 2 * this.options.concurrency) {
        this.recordBound = true;
        break;
      }
      const next = this.lanes.next(this.options.concurrency);
      if (!next) break;
      const { lane, job } = next;
      if (!this.health.admit(lane.webhookId, now)) {
        // Open circuit: this and the lane's queued deliveries wait for the probe, uncharged.
        const until = this.health.blockedUntil(lane.webhookId, now) ?? now + 1_000;
        this.lanes.finish(lane);
        void this.giveBack(lane.webhook, [job], until)
          .then(() => this.giveBackQueued(lane, until))
          .catch((error: unknown) =>
            this.log.error({ err: error, webhook_id: lane.webhookId }, "releasing deliveries failed"),
          )
          .finally(() => this.held.delete(job.deliveryId));
        continue;
      }
      // The endpoint's slot is freed as soon as its HTTP exchange is over, not when the attempt
      // is on record: recording waits for the store's writer (behind ingest transactions on
      // SQLite), and holding slots through that left the sender idle at 0.6 cores.
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.lanes.finish(lane);
        this.wakeIfDrained(lane);
        this.pump();
      };
      this.recording++;
      void this.execute(job, lane, release).finally(() => {
        release();
        this.recording--;
        this.held.delete(job.deliveryId);
        if (this.recordBound) {
          this.recordBound = false;
          this.pump();
        }
        this.settleIdle();
      });
    }
    this.metrics.inFlight.set(this.lanes.inFlight);
    this.metrics.queued.set(this.lanes.queued);
  }

  private async execute(job: Job, lane: Lane, release: () => void): Promise<void> {
    const webhook = lane.webhook;
    try {
      if (!this.lanes.sending(lane)) {
        await this.giveBack(webhook, [job]);
        await this.giveBackQueued(lane);
        return;
      }
      await this.attempt(job, lane, release);
    } catch (error) {
      // The claim stays until its lease ends, so the delivery is retried; nothing is lost.
      this.log.error(
        { err: error, delivery_id: job.deliveryId, webhook_id: webhook.id },
        "delivery attempt crashed",
      );
    }
  }

  private async attempt(job: Job, lane: Lane, release: () => void): Promise<void> {
    const { event } = job;
    const webhook = lane.webhook;
    const sent = await sendAttempt(this.targets, event, webhook, {
      attemptsBefore: job.attemptsBefore,
      firstAttemptAt: job.firstAttemptAt,
    });
    const { result, decision, finishedAt: now } = sent;
    countAttempt(this.metrics, sent);
    // 410 Gone: send nothing more to it from this moment (queued jobs are parked below), not
    // only once the attempt is on record — other attempts finish and free slots meanwhile.
    if (decision.disableWebhook) this.lanes.stop(lane);
    // The breaker must see this result before the slot goes to the next attempt.
    const exhausted = await this.health.record(
      webhook,
      {
        succeeded: decision.succeeded,
        status: result.status,
        errorKind: result.errorKind,
        error: decision.error,
      },
      now,
    );
    if (exhausted) this.lanes.stop(lane);
    release();
    const recorded = await this.writer.record(attemptOutcome(job, webhook, sent));
    // The next delivery of its key's line became due as this one was recorded: claim it now
    // rather than at the next poll (a line moves one delivery per claim).
    if (recorded && job.orderKey && decision.status !== "pending") this.wake();
    // A failed attempt is something an operator may need to follow up: warn, with the ids to
    // find the delivery, its target and its tenant.
    this.log[decision.succeeded ? "debug" : "warn"](
      {
        delivery_id: job.deliveryId,
        event_id: event.id,
        webhook_id: webhook.id,
        tenant_id: webhook.tenant_id,
        result: decision.succeeded ? "success" : (result.errorKind ?? `http_${result.status}`),
        error: decision.succeeded ? undefined : decision.error,
        recorded,
      },
      decision.succeeded ? "attempt finished" : "attempt failed",
    );
    const disableReason = decision.disableWebhook ?? exhausted;
    if (disableReason && recorded) {
      try {
        await this.store.targets.disable(webhook.id, disableReason, now);
      } catch (error) {
        // Not disabled after all: the lane goes on (the next 410 tries again).
        this.restore(lane, webhook);
        throw error;
      }
      this.log.warn({ webhook_id: webhook.id, reason: disableReason }, "webhook disabled");
      // Disabled in the store now, so the queued deliveries are parked until it is enabled.
      await this.giveBackQueued(lane);
    } else if (disableReason) {
      // The claim was lost, so this node does not disable it; nor may its lane stay stopped.
      this.restore(lane, webhook);
    }
  }

  /** Undoes a local stop (a 410 or exhaustion that did not disable the target in the store). */
  private restore(lane: Lane, webhook: ResolvedTarget): void {
    this.lanes.restore(lane, webhook);
    this.pump();
  }

  private async renewLeases(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.store.queue.renew(this.owner, [...this.held], Date.now() + this.leaseMs);
    } catch (error) {
      this.log.error({ err: error }, "renewing claims failed");
    }
  }
}
