import type { Logger } from "pino";
import { decideAttempt } from "../domain/outcome.js";
import type { RetryPolicy, SuccessConditions } from "../domain/webhook.js";
import type { DeliveryHandoff } from "../events/ingest.js";
import type { EventRecord, IngestResult, Store, WebhookRecord } from "../store/index.js";
import { attemptRecord } from "./attempt-record.js";
import { AttemptWriter } from "./attempt-writer.js";
import { withFollowUp } from "./body.js";
import { Fifo } from "./fifo.js";
import type { Metrics } from "./metrics.js";
import { prepareRequest, type ResolvedWebhook, sendPrepared } from "./request.js";
import type { HttpSender, SendResult } from "./sender.js";
import type { WebhookResolver } from "./webhook-resolver.js";

export interface DispatcherOptions {
  owner: string;
  /** Attempts in flight at once across all endpoints. */
  concurrency: number;
  batchSize: number;
  pollIntervalMs: number;
  leaseMs: number;
  /** Attempts in flight at once to one webhook. */
  perWebhookInFlight: number;
}

/** A claimed delivery with what it takes to send it. */
interface Job {
  deliveryId: string;
  attemptsBefore: number;
  firstAttemptAt: number | null;
  event: EventRecord;
  /** The webhook as it was when the delivery was claimed (its lane may know a newer version). */
  webhook: ResolvedWebhook;
}

/** The claimed deliveries of one webhook waiting for one of its in-flight slots. */
interface Lane {
  webhookId: string;
  /**
   * The newest known version of the webhook; every job of the lane is sent with it. Kept fresh
   * by claims, by a periodic re-read while jobs wait, and by a 410 (which disables it here at once).
   */
  webhook: ResolvedWebhook;
  jobs: Fifo<Job>;
  inFlight: number;
  ready: boolean;
}

/**
 * Claims due deliveries, sends them, and records the attempts.
 *
 * Each webhook has its own lane with a bounded number of attempts in flight; lanes take turns
 * for the process-wide concurrency, so a slow endpoint only ever occupies its own slots. A lane
 * holds at most a few rounds of work: the claim query skips webhooks whose lanes are full, so a
 * dead endpoint's backlog stays in the store instead of crowding out healthy endpoints here.
 */
export class Dispatcher implements DeliveryHandoff {
  readonly owner: string;
  readonly leaseMs: number;
  private readonly lanes = new Map<string, Lane>();
  private readonly ready = new Fifo<Lane>();
  /** Every delivery this process holds a claim on (queued or in flight). */
  private readonly held = new Set<string>();
  private inFlight = 0;
  private queued = 0;
  private readonly writer: AttemptWriter;
  private stopping = false;
  private pollLoop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private idle: Array<() => void> = [];
  private renewTimer: NodeJS.Timeout | null = null;
  private lastRefresh = 0;

  constructor(
    private readonly options: DispatcherOptions,
    private readonly store: Store,
    private readonly sender: HttpSender,
    private readonly resolver: WebhookResolver,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.owner = options.owner;
    this.leaseMs = options.leaseMs;
    this.writer = new AttemptWriter(store, options.owner, log);
  }

  /** Claimed work this process will hold at most, across lanes. */
  private get capacity(): number {
    return Math.max(this.options.concurrency * 4, this.options.batchSize * 2);
  }

  /** Work one lane may hold: a few rounds of its in-flight slots. */
  private get laneCapacity(): number {
    return this.options.perWebhookInFlight * 8;
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

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  accepts(counts: Map<string, number>): Set<string> {
    const accepted = new Set<string>();
    if (this.stopping) return accepted;
    let room = this.capacity - this.queued - this.inFlight;
    for (const [webhookId, count] of counts) {
      const lane = this.lanes.get(webhookId);
      const laneLoad = lane ? lane.jobs.length + lane.inFlight : 0;
      if (count <= room && laneLoad + count <= this.laneCapacity * 2) {
        accepted.add(webhookId);
        room -= count;
      }
    }
    return accepted;
  }

  handoff(results: IngestResult[], webhooks: Map<string, WebhookRecord>): void {
    const now = Date.now();
    for (const result of results) {
      result.deliveryIds.forEach((deliveryId, i) => {
        if (!result.claimed[i]) return;
        const record = webhooks.get(result.webhookIds[i] as string);
        if (!record) return;
        this.enqueue({
          deliveryId,
          attemptsBefore: 0,
          firstAttemptAt: null,
          event: result.event,
          webhook: this.resolver.resolve(record, now),
        });
      });
    }
    this.pump();
  }

  /** Stops claiming, lets in-flight attempts finish, gives the rest of the claims back. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    if (this.renewTimer) clearInterval(this.renewTimer);
    await this.pollLoop;
    const unsent: string[] = [];
    for (const lane of this.lanes.values()) {
      for (const job of lane.jobs.drain()) {
        unsent.push(job.deliveryId);
        this.held.delete(job.deliveryId);
      }
    }
    this.queued = 0;
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.writer.flush();
    if (unsent.length > 0) await this.store.releaseDeliveries(this.owner, unsent, Date.now());
    this.metrics.queued.set(0);
  }

  /** Resolves when nothing is queued or in flight here (tests, benchmarks). */
  async drained(): Promise<void> {
    if (this.inFlight === 0 && this.queued === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
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
      const room = Math.min(this.options.batchSize, this.capacity - this.queued - this.inFlight);
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
    const now = Date.now();
    const rows = await this.store.claimDueDeliveries(
      this.owner,
      now,
      now + this.leaseMs,
      limit,
      this.fullLanes(),
    );
    if (rows.length === 0) return 0;
    const fresh = rows.filter((row) => !this.held.has(row.id));
    // Held deliveries released by a follow-up event merge its data: load both events.
    const eventIds = fresh.flatMap((r) => (r.merge_event_id ? [r.event_id, r.merge_event_id] : [r.event_id]));
    const [events, webhooks] = await Promise.all([
      this.store.getEventsByIds([...new Set(eventIds)]),
      this.store.getWebhooksByIds([...new Set(fresh.map((r) => r.webhook_id))]),
    ]);
    const eventById = new Map(events.map((e) => [e.id, e]));
    const webhookById = new Map(webhooks.map((w) => [w.id, w]));
    const missing: string[] = [];
    for (const row of fresh) {
      const event = eventById.get(row.event_id);
      const webhook = webhookById.get(row.webhook_id);
      if (!event || !webhook) {
        missing.push(row.id);
        continue;
      }
      this.enqueue({
        deliveryId: row.id,
        attemptsBefore: row.attempts,
        firstAttemptAt: row.first_attempt_at,
        event: row.merge_event_id ? withFollowUp(event, eventById.get(row.merge_event_id)) : event,
        webhook: this.resolver.resolve(webhook, now),
      });
    }
    if (missing.length > 0) {
      await this.store.cancelDeliveries(this.owner, missing, "event or webhook no longer exists", now);
    }
    this.pump();
    return rows.length;
  }

  /**
   * Re-reads the webhooks that have deliveries waiting here, so a webhook disabled, deleted or
   * changed meanwhile (through the API, on any node) is seen before its queued deliveries go out:
   * those of a disabled webhook are parked, those of a deleted one cancelled.
   */
  private async refreshLanes(): Promise<void> {
    const waiting = [...this.lanes.values()].filter((lane) => lane.jobs.length > 0);
    if (waiting.length === 0) return;
    const records = await this.store.getWebhooksByIds(waiting.map((lane) => lane.webhookId));
    const now = Date.now();
    const byId = new Map(records.map((record) => [record.id, record]));
    for (const lane of waiting) {
      const record = byId.get(lane.webhookId);
      if (record) this.updateLane(lane, this.resolver.resolve(record, now));
      if (!lane.webhook.enabled || lane.webhook.deleted) await this.giveBackQueued(lane);
    }
  }

  /**
   * Adopts a version of the lane's webhook unless the lane knows a newer one (or the same one
   * already disabled here after a 410, before the store's copy says so).
   */
  private updateLane(lane: Lane, webhook: ResolvedWebhook): void {
    const newer = webhook.updated_at > lane.webhook.updated_at;
    if (newer || (webhook.updated_at === lane.webhook.updated_at && lane.webhook.enabled)) {
      lane.webhook = webhook;
    }
  }

  /** Parks (disabled webhook) or cancels (deleted webhook) the lane's queued deliveries. */
  private async giveBackQueued(lane: Lane): Promise<void> {
    const jobs = lane.jobs.drain();
    if (jobs.length === 0) return;
    this.queued -= jobs.length;
    this.metrics.queued.set(this.queued);
    try {
      await this.giveBack(lane.webhook, jobs);
    } finally {
      for (const job of jobs) this.held.delete(job.deliveryId);
      if (lane.inFlight === 0 && lane.jobs.length === 0 && this.lanes.get(lane.webhookId) === lane) {
        this.lanes.delete(lane.webhookId);
      }
      if (this.inFlight === 0 && this.queued === 0) {
        for (const resolve of this.idle.splice(0)) resolve();
      }
    }
  }

  private async giveBack(webhook: ResolvedWebhook, jobs: Job[]): Promise<void> {
    const ids = jobs.map((job) => job.deliveryId);
    if (webhook.deleted) {
      await this.store.cancelDeliveries(this.owner, ids, "webhook deleted", Date.now());
      this.metrics.deliveries.inc({ outcome: "cancelled" }, ids.length);
    } else {
      await this.store.parkDeliveries(this.owner, ids, Date.now());
    }
  }

  /** Webhooks whose lanes hold a full share of work: the next claim passes over them. */
  private fullLanes(): string[] {
    const full: string[] = [];
    for (const lane of this.lanes.values()) {
      if (lane.jobs.length + lane.inFlight >= this.laneCapacity) full.push(lane.webhookId);
    }
    return full;
  }

  private enqueue(job: Job): void {
    if (this.held.has(job.deliveryId)) return;
    this.held.add(job.deliveryId);
    let lane = this.lanes.get(job.webhook.id);
    if (!lane) {
      lane = { webhookId: job.webhook.id, webhook: job.webhook, jobs: new Fifo(), inFlight: 0, ready: false };
      this.lanes.set(job.webhook.id, lane);
    } else {
      this.updateLane(lane, job.webhook);
    }
    lane.jobs.push(job);
    this.queued++;
    this.markReady(lane);
  }

  private markReady(lane: Lane): void {
    if (!lane.ready && lane.jobs.length > 0 && lane.inFlight < this.options.perWebhookInFlight) {
      lane.ready = true;
      this.ready.push(lane);
    }
  }

  private pump(): void {
    while (this.inFlight < this.options.concurrency && this.ready.length > 0) {
      const lane = this.ready.shift() as Lane;
      lane.ready = false;
      const job = lane.jobs.shift();
      if (!job) continue;
      this.queued--;
      lane.inFlight++;
      this.inFlight++;
      this.markReady(lane);
      void this.execute(job, lane).finally(() => {
        lane.inFlight--;
        this.inFlight--;
        this.held.delete(job.deliveryId);
        if (lane.inFlight === 0 && lane.jobs.length === 0) this.lanes.delete(lane.webhookId);
        else this.markReady(lane);
        this.pump();
        if (this.inFlight === 0 && (this.queued === 0 || this.stopping)) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
    this.metrics.inFlight.set(this.inFlight);
    this.metrics.queued.set(this.queued);
  }

  private async execute(job: Job, lane: Lane): Promise<void> {
    const webhook = lane.webhook;
    try {
      if (webhook.deleted || !webhook.enabled) {
        await this.giveBack(webhook, [job]);
        await this.giveBackQueued(lane);
        return;
      }
      await this.attempt(job, lane);
    } catch (error) {
      // The claim stays until its lease ends, so the delivery is retried; nothing is lost.
      this.log.error(
        { err: error, delivery_id: job.deliveryId, webhook_id: webhook.id },
        "delivery attempt crashed",
      );
    }
  }

  private async attempt(job: Job, lane: Lane): Promise<void> {
    const { event } = job;
    const webhook = lane.webhook;
    const startedAt = Date.now();
    const prepared = prepareRequest(event, webhook, Math.floor(startedAt / 1000));
    const request = prepared.request;
    const result: SendResult = await sendPrepared(this.sender, prepared, webhook.timeout_ms);
    const now = Date.now();
    const decision = decideAttempt(
      result,
      { attemptsBefore: job.attemptsBefore, firstAttemptAt: job.firstAttemptAt },
      { retry: webhook.retry as RetryPolicy, success: webhook.success as SuccessConditions },
      startedAt,
      now,
    );
    const label = decision.succeeded ? "success" : (result.errorKind ?? `http_${result.status}`);
    this.metrics.attempts.inc({
      result: decision.succeeded ? "success" : (result.errorKind ?? "http_error"),
    });
    this.metrics.attemptDuration.observe(
      { result: decision.succeeded ? "success" : "failure" },
      result.durationMs / 1000,
    );
    if (decision.status !== "pending") this.metrics.deliveries.inc({ outcome: decision.status });
    // 410 Gone: send nothing more to it from this moment (queued jobs are parked below), not
    // only once the attempt is on record — other attempts finish and free slots meanwhile.
    if (decision.disableWebhook) lane.webhook = { ...lane.webhook, enabled: false };
    const recorded = await this.writer.record({
      attempt: attemptRecord({
        deliveryId: job.deliveryId,
        attemptNumber: job.attemptsBefore + 1,
        webhook,
        event,
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
      },
    });
    this.log.debug(
      { delivery_id: job.deliveryId, event_id: event.id, webhook_id: webhook.id, result: label, recorded },
      "attempt finished",
    );
    if (decision.disableWebhook && recorded) {
      this.resolver.markDisabled(webhook.id);
      await this.store.disableWebhook(webhook.id, decision.disableWebhook, now);
      this.log.warn({ webhook_id: webhook.id, reason: decision.disableWebhook }, "webhook disabled");
      // Disabled in the store now, so the queued deliveries are parked until it is enabled.
      await this.giveBackQueued(lane);
    } else if (decision.disableWebhook && lane.webhook.updated_at === webhook.updated_at) {
      // The claim was lost, so this node does not disable it; nor may its lane stay stopped.
      lane.webhook = webhook;
    }
  }

  private async renewLeases(): Promise<void> {
    if (this.held.size === 0) return;
    try {
      await this.store.renewClaims(this.owner, [...this.held], Date.now() + this.leaseMs);
    } catch (error) {
      this.log.error({ err: error }, "renewing claims failed");
    }
  }
}
