import type { Slot } from "../../domain/scheduling/slots.js";

interface Entry {
  tenantId: string;
  at: number;
  generation: number;
  slots: Promise<Slot[]>;
  refreshing: boolean;
}

/**
 * Open slots per tenant and window, kept ≤ 30 s so an agent on a live call gets an answer without
 * waiting on Cal.com. Measured (bench `scheduling`, fake Cal.com answering in 50 ms, 50 req/s, a
 * booking every 2 s): invalidating on every booking made p99 191 ms — each booking turned the next
 * requests into misses queued behind a 50 ms+ call on a busy two-core machine. So:
 * - concurrent misses for the same window share one request;
 * - an entry past half its life is served while a fresh copy loads in the background
 *   (refresh-ahead), so a steadily asked window never misses;
 * - a booking we made removes its slot from the tenant's entries (we know exactly what changed);
 * - anything else (a cancellation, a reschedule, a Cal.com webhook) moves the tenant to a new
 *   generation, which every older entry misses.
 * Other nodes' entries age out within the TTL; a booking is checked by Cal.com itself anyway.
 */
export class AvailabilityCache {
  private readonly entries = new Map<string, Entry>();
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
    if (entry && entry.generation === generation && at - entry.at < this.ttlMs) {
      if (at - entry.at >= this.ttlMs / 2 && !entry.refreshing) this.refresh(id, entry, load);
      return entry.slots;
    }
    const slots = load();
    this.entries.set(id, { tenantId, at, generation, slots, refreshing: false });
    // A failed load is not remembered: the next caller asks again.
    slots.catch(() => {
      if (this.entries.get(id)?.slots === slots) this.entries.delete(id);
    });
    if (this.entries.size > 10_000) this.prune(at);
    return slots;
  }

  /** A booking we made: its time is no longer open in any of the tenant's windows. */
  taken(tenantId: string, start: number, end: number): void {
    for (const entry of this.entries.values()) {
      if (entry.tenantId !== tenantId) continue;
      entry.slots = entry.slots.then((slots) => slots.filter((s) => s.end <= start || s.start >= end));
      entry.slots.catch(() => {});
    }
  }

  invalidate(tenantId: string): void {
    this.generations.set(tenantId, (this.generations.get(tenantId) ?? 0) + 1);
  }

  private refresh(id: string, entry: Entry, load: () => Promise<Slot[]>): void {
    entry.refreshing = true;
    const startedAt = this.now();
    load().then(
      (slots) => {
        // Only if nothing invalidated or replaced the entry meanwhile.
        if (
          this.entries.get(id) !== entry ||
          (this.generations.get(entry.tenantId) ?? 0) !== entry.generation
        ) {
          return;
        }
        this.entries.set(id, { ...entry, at: startedAt, slots: Promise.resolve(slots), refreshing: false });
      },
      () => {
        entry.refreshing = false;
      },
    );
  }

  private prune(at: number): void {
    for (const [id, entry] of this.entries) if (at - entry.at >= this.ttlMs) this.entries.delete(id);
  }
}
