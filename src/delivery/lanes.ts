import { fullBucket, msUntilToken, type TokenBucket, take } from "../domain/token-bucket.js";
import type { EventRecord } from "../store/index.js";
import type { ResolvedTarget } from "../targets/kind.js";
import { Fifo } from "./fifo.js";

/** A claimed delivery with what it takes to send it. */
export interface Job {
  deliveryId: string;
  attemptsBefore: number;
  firstAttemptAt: number | null;
  event: EventRecord;
  /** The webhook as it was when the delivery was claimed (its lane may know a newer version). */
  webhook: ResolvedTarget;
  /** Its key when it is an ordered delivery (src/domain/ordering.ts); absent or null otherwise. */
  orderKey?: string | null;
}

/** The claimed deliveries of one webhook, waiting for one of its in-flight slots. */
export interface Lane {
  webhookId: string;
  /**
   * The newest known version of the webhook; every job of the lane is sent with it. Kept fresh
   * by claims, by a periodic re-read while jobs wait, and by a 410 (which disables it here at once).
   */
  webhook: ResolvedTarget;
  jobs: Fifo<Job>;
  inFlight: number;
  ready: boolean;
  /** Tokens for `rate_limit_per_s` (unused while the webhook has no rate limit). */
  tokens: TokenBucket;
  /** A timer that makes the lane ready again when its next token is due. */
  tokenTimer: NodeJS.Timeout | null;
}

/**
 * The per-webhook lanes of one dispatcher and the order they take turns in.
 *
 * A lane is ready while it has jobs, a free in-flight slot (`max_in_flight`, default 10) and, when
 * the webhook is rate limited, a token. Ready lanes are served round-robin, so every endpoint
 * gets its share of the process-wide concurrency and a slow one only ever occupies its own slots.
 */
export class Lanes {
  private readonly lanes = new Map<string, Lane>();
  private readonly ready = new Fifo<Lane>();
  /** Targets stopped here before the store says so (see {@link stop}): id → the version stopped. */
  private readonly stopped = new Map<string, number>();
  queued = 0;
  inFlight = 0;

  constructor(
    private readonly defaultInFlight: number,
    /** Rounds of in-flight slots a lane may hold claimed (1 when the store caps claims per webhook). */
    private readonly rounds: number,
    /** Called when a rate-limited lane gets a token back, to resume sending. */
    private readonly onReady: () => void,
  ) {}

  get(webhookId: string): Lane | undefined {
    return this.lanes.get(webhookId);
  }

  all(): IterableIterator<Lane> {
    return this.lanes.values();
  }

  limitOf(lane: Lane): number {
    return lane.webhook.max_in_flight ?? this.defaultInFlight;
  }

  /** Work one lane may hold (queued + in flight): a few rounds of its in-flight slots. */
  capacityOf(lane: Lane | undefined): number {
    return (lane ? this.limitOf(lane) : this.defaultInFlight) * this.rounds;
  }

  add(job: Job): void {
    let lane = this.lanes.get(job.webhook.id);
    if (!lane) {
      lane = {
        webhookId: job.webhook.id,
        webhook: job.webhook,
        jobs: new Fifo(),
        inFlight: 0,
        ready: false,
        tokens: fullBucket(job.webhook.rate_limit_per_s ?? 0, Date.now()),
        tokenTimer: null,
      };
      this.lanes.set(job.webhook.id, lane);
    } else {
      this.adopt(lane, job.webhook);
    }
    lane.jobs.push(job);
    this.queued++;
    this.markReady(lane);
  }

  /** Adopts a version of the lane's target unless the lane knows a newer one. */
  adopt(lane: Lane, webhook: ResolvedTarget): void {
    if (webhook.updated_at < lane.webhook.updated_at) return;
    lane.webhook = webhook;
    const stoppedAt = this.stopped.get(lane.webhookId);
    // A newer version from the store overrides what this process decided about an older one.
    if (stoppedAt !== undefined && webhook.updated_at > stoppedAt) this.stopped.delete(lane.webhookId);
  }

  /**
   * Sends nothing more to the lane's target (this version) from now on: it answered 410 Gone or
   * has failed for too long, and the store is being told. Its queued jobs wait to be given back.
   */
  stop(lane: Lane): void {
    this.stopped.set(lane.webhookId, lane.webhook.updated_at);
  }

  /** Undoes {@link stop} for this version (the store was not changed after all). */
  restore(lane: Lane, webhook: ResolvedTarget): void {
    if (this.stopped.get(lane.webhookId) === webhook.updated_at) this.stopped.delete(lane.webhookId);
    this.markReady(lane);
  }

  /** The next job to start, round-robin across ready lanes, with its lane's slot taken. */
  next(concurrency: number): { lane: Lane; job: Job } | null {
    while (this.inFlight < concurrency && this.ready.length > 0) {
      const lane = this.ready.shift() as Lane;
      lane.ready = false;
      if (!this.sending(lane) || lane.jobs.length === 0) continue;
      const rate = lane.webhook.rate_limit_per_s;
      if (rate !== null && rate > 0) {
        // A ready lane had a token when it was queued; a rate lowered since may have trimmed it.
        const after = take(lane.tokens, rate, Date.now());
        if (after === null) {
          this.markReady(lane);
          continue;
        }
        lane.tokens = after;
      }
      const job = lane.jobs.shift() as Job;
      this.queued--;
      lane.inFlight++;
      this.inFlight++;
      this.markReady(lane);
      return { lane, job };
    }
    return null;
  }

  /** A started job finished: frees its slot and drops the lane once it is empty. */
  finish(lane: Lane): void {
    lane.inFlight--;
    this.inFlight--;
    this.dropIfEmpty(lane);
    this.markReady(lane);
  }

  /** Takes every queued (not started) job out of a lane. */
  drain(lane: Lane): Job[] {
    const jobs = lane.jobs.drain();
    this.queued -= jobs.length;
    this.dropIfEmpty(lane);
    return jobs;
  }

  /** Lanes holding their full share of work: the next claim passes over their webhooks. */
  full(): string[] {
    const ids: string[] = [];
    for (const lane of this.lanes.values()) {
      if (lane.jobs.length + lane.inFlight >= this.capacityOf(lane)) ids.push(lane.webhookId);
    }
    return ids;
  }

  private dropIfEmpty(lane: Lane): void {
    if (lane.inFlight === 0 && lane.jobs.length === 0 && this.lanes.get(lane.webhookId) === lane) {
      if (lane.tokenTimer) clearTimeout(lane.tokenTimer);
      this.lanes.delete(lane.webhookId);
    }
  }

  /** Makes the lane take turns again if it can send (after its webhook was restored here). */
  resume(lane: Lane): void {
    this.markReady(lane);
  }

  /**
   * Whether the lane may start attempts — the one place this process decides that a target is
   * off: disabled or deleted in the store (as last read), or stopped here since. A lane that may
   * not send starts nothing; its queued jobs wait to be given back, which happens once the store
   * says so (parking reads the store's `enabled`).
   */
  sending(lane: Lane): boolean {
    const target = lane.webhook;
    if (!target.enabled || target.deleted) return false;
    const stoppedAt = this.stopped.get(lane.webhookId);
    return stoppedAt === undefined || target.updated_at > stoppedAt;
  }

  private markReady(lane: Lane): void {
    if (lane.ready || lane.jobs.length === 0 || lane.inFlight >= this.limitOf(lane)) return;
    if (!this.sending(lane)) return;
    const rate = lane.webhook.rate_limit_per_s;
    // No limit when unset (the API refuses a rate below 1; a zero would never send).
    if (rate !== null && rate > 0) {
      const waitMs = msUntilToken(lane.tokens, rate, Date.now());
      if (waitMs > 0) {
        if (!lane.tokenTimer) {
          lane.tokenTimer = setTimeout(() => {
            lane.tokenTimer = null;
            this.markReady(lane);
            this.onReady();
          }, waitMs);
          lane.tokenTimer.unref();
        }
        return;
      }
    }
    lane.ready = true;
    this.ready.push(lane);
  }
}
