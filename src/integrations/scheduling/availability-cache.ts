import type { Slot } from "../../domain/scheduling/slots.js";

/**
 * Open slots per tenant and window, kept ≤ 30 s so an agent on a live call gets an answer without
 * waiting on Cal.com (the benchmark's fake answers in 50 ms; a cached answer costs well under 5).
 * Concurrent misses for the same window share one request. A booking, reschedule, cancel or a
 * Cal.com webhook moves the tenant to a new generation, which every older entry misses; other
 * nodes' entries age out within the TTL, and a booking is checked by Cal.com itself anyway.
 */
export class AvailabilityCache {
  private readonly entries = new Map<string, { at: number; generation: number; slots: Promise<Slot[]> }>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(tenantId: string, key: string, load: () => Promise<Slot[]>): Promise<Slot[]> {
    const generation = this.generations.get(tenantId) ?? 0;
    const id = `${tenantId}|${key}`;
    const at = this.now();
    const entry = this.entries.get(id);
    if (entry && entry.generation === generation && at - entry.at < this.ttlMs) return entry.slots;
    const slots = load();
    this.entries.set(id, { at, generation, slots });
    // A failed load is not remembered: the next caller asks again.
    slots.catch(() => {
      if (this.entries.get(id)?.slots === slots) this.entries.delete(id);
    });
    if (this.entries.size > 10_000) this.prune(at);
    return slots;
  }

  invalidate(tenantId: string): void {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
  }

  private prune(at: number): void {
    for (const [id, entry] of this.entries) if (at - entry.at >= this.ttlMs) this.entries.delete(id);
  }
}
