import type { DueWebhooks, WebhookClaim } from "../store/index.js";

/** A lane's free room for claimed work, and how much it holds when full. */
export interface LaneRoom {
  room: number;
  capacity: number;
}

/** Webhooks visited per look-up of which ones have due work (each visit is one index seek). */
export const DUE_WEBHOOK_SCAN = 1_000;

/**
 * Decides what a dispatcher claims while some of its lanes are full or their circuits open.
 *
 * The global claim reads the due indexes in due order and passes over the deliveries of the
 * webhooks it must skip one by one: with a dead endpoint's backlog at the head of the index, every
 * claim read all of it (43 ms at 200 000 pending, and the throughput benchmark spent 16 % of its
 * CPU there with merely busy lanes). Instead, claims then target the webhooks known to have due
 * work — from a lane that was full, an ingest that could not hand everything over, a full batch,
 * or a periodic look-up of the webhooks with due deliveries — each for its lane's room.
 */
export class ClaimPlan {
  /** Webhooks that probably have due deliveries not claimed here, in the order they are served. */
  private readonly backlogged = new Set<string>();
  private lookedUpAt = Number.NEGATIVE_INFINITY;
  /** Where the next look-up goes on (null: from the first webhook). */
  lookUpAfter: string | null = null;

  constructor(private readonly lookUpEveryMs: number) {}

  /** The webhook has due deliveries this process has not claimed yet. */
  noteBacklog(webhookId: string): void {
    this.backlogged.add(webhookId);
  }

  /** Whether to look up which webhooks have due work before the next targeted claim. */
  shouldLookUp(now: number): boolean {
    return now - this.lookedUpAt >= this.lookUpEveryMs;
  }

  lookedUp(now: number, found: DueWebhooks): void {
    this.lookedUpAt = now;
    this.lookUpAfter = found.resumeAfter;
    for (const id of found.webhookIds) this.backlogged.add(id);
  }

  /**
   * What to claim for whom, up to `limit` in all: nothing until some backlogged lane (not
   * skipped) has drained to half, and then every backlogged lane with at least an eighth of its
   * room free is topped up in the same claim — one transaction for all, not one per lane as each
   * reaches half. Webhooks served move to the back, so with more backlogged webhooks than room
   * they take turns.
   */
  wants(limit: number, skip: ReadonlySet<string>, laneOf: (webhookId: string) => LaneRoom): WebhookClaim[] {
    const open: WebhookClaim[] = [];
    let drained = false;
    for (const webhookId of this.backlogged) {
      if (skip.has(webhookId)) continue;
      const { room, capacity } = laneOf(webhookId);
      if (room >= capacity / 2) drained = true;
      if (room > 0 && room >= capacity / 8) open.push({ webhookId, limit: room });
    }
    if (!drained) return [];
    const wants: WebhookClaim[] = [];
    let left = limit;
    for (const want of open) {
      if (left <= 0) break;
      const take = Math.min(want.limit, left);
      wants.push({ webhookId: want.webhookId, limit: take });
      left -= take;
    }
    for (const want of wants) {
      this.backlogged.delete(want.webhookId);
      this.backlogged.add(want.webhookId);
    }
    return wants;
  }

  /** After a targeted claim: a webhook that got less than it asked for has nothing more due. */
  claimed(wants: WebhookClaim[], webhookIds: Iterable<string>): void {
    const got = new Map<string, number>();
    for (const id of webhookIds) got.set(id, (got.get(id) ?? 0) + 1);
    for (const want of wants) {
      if ((got.get(want.webhookId) ?? 0) < want.limit) this.backlogged.delete(want.webhookId);
    }
  }
}
