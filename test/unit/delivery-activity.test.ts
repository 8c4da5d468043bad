import { describe, expect, it } from "vitest";
import {
  type ActivityCell,
  activityPoints,
  activityWindow,
  LATENCY_BUCKET_BOUNDS,
  latencyBucketOf,
  latencyQuantile,
  outcomeOf,
  ROLLUP_GRACE_MS,
} from "../../src/domain/delivery-activity.js";
import { monthsOf, spendDays } from "../../src/domain/enrichment/spend-days.js";

const MINUTE = 60_000;

/** The buckets of a list of durations, as the store's aggregate would return them. */
function bucketsOf(durations: number[]) {
  const map = new Map<number, { bucket: number; count: number; minMs: number; maxMs: number }>();
  for (const d of durations) {
    const bucket = latencyBucketOf(d);
    const b = map.get(bucket) ?? { bucket, count: 0, minMs: d, maxMs: d };
    b.count++;
    b.minMs = Math.min(b.minMs, d);
    b.maxMs = Math.max(b.maxMs, d);
    map.set(bucket, b);
  }
  return [...map.values()];
}

/** The exact nearest-rank percentile. */
function exact(durations: number[], q: number): number {
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] as number;
}

describe("delivery activity", () => {
  it("names an attempt's outcome: success, an answer that is not one, or no answer", () => {
    expect(outcomeOf(true, true)).toBe("succeeded");
    expect(outcomeOf(false, true)).toBe("failed");
    expect(outcomeOf(false, false)).toBe("errored");
  });

  it("puts a duration in the bucket whose bound is above it, the last bucket open-ended", () => {
    expect(latencyBucketOf(0)).toBe(0);
    expect(latencyBucketOf(4)).toBe(0);
    expect(latencyBucketOf(5)).toBe(1);
    expect(latencyBucketOf(29_999)).toBe(LATENCY_BUCKET_BOUNDS.length - 1);
    expect(latencyBucketOf(60_000)).toBe(LATENCY_BUCKET_BOUNDS.length);
  });

  it("gives no percentile without attempts, and the duration itself for one attempt", () => {
    expect(latencyQuantile([], 0.5)).toBeNull();
    expect(latencyQuantile([{ bucket: 3, count: 0, minMs: 0, maxMs: 0 }], 0.5)).toBeNull();
    expect(latencyQuantile(bucketsOf([42]), 0.5)).toBe(42);
    expect(latencyQuantile(bucketsOf([42]), 0.95)).toBe(42);
  });

  it("is exact when every bucket holds equal durations", () => {
    const durations = [...Array(50).fill(20), ...Array(45).fill(120), ...Array(5).fill(3000)];
    expect(latencyQuantile(bucketsOf(durations), 0.5)).toBe(exact(durations, 0.5));
    expect(latencyQuantile(bucketsOf(durations), 0.95)).toBe(exact(durations, 0.95));
    expect(latencyQuantile(bucketsOf(durations), 0.96)).toBe(3000);
  });

  it("stays inside the bucket of the exact percentile for spread durations", () => {
    const durations = Array.from({ length: 1000 }, (_, i) => 20 + ((i * 37) % 380));
    for (const q of [0.5, 0.95]) {
      const estimate = latencyQuantile(bucketsOf(durations), q) as number;
      const truth = exact(durations, q);
      expect(latencyBucketOf(estimate)).toBe(latencyBucketOf(truth));
      expect(Math.abs(estimate - truth)).toBeLessThan(25);
    }
  });

  it("fills every minute of the window, counts outcomes and leaves unanswered attempts out of latency", () => {
    const from = 1_000 * MINUTE;
    const cells: ActivityCell[] = [
      { at: from, outcome: "succeeded", bucket: 4, count: 3, minMs: 60, maxMs: 80 },
      { at: from, outcome: "failed", bucket: 4, count: 1, minMs: 90, maxMs: 90 },
      { at: from, outcome: "errored", bucket: 12, count: 2, minMs: 30_000, maxMs: 30_000 },
      { at: from + 2 * MINUTE, outcome: "errored", bucket: 12, count: 1, minMs: 15_000, maxMs: 15_000 },
    ];
    const points = activityPoints(cells, from, from + 3 * MINUTE, MINUTE);
    expect(points).toEqual([
      { at: from, succeeded: 3, failed: 1, errored: 2, p50Ms: 70, p95Ms: 90 },
      { at: from + MINUTE, succeeded: 0, failed: 0, errored: 0, p50Ms: null, p95Ms: null },
      { at: from + 2 * MINUTE, succeeded: 0, failed: 0, errored: 1, p50Ms: null, p95Ms: null },
    ]);
  });

  it("ends the window with the current step and rolls up only minutes that closed five minutes ago", () => {
    const now = Date.UTC(2026, 11, 2, 10, 30, 15);
    const window = activityWindow(now, 24 * 60 * MINUTE, MINUTE);
    expect(window.until).toBe(Date.UTC(2026, 11, 2, 10, 31));
    expect(window.from).toBe(Date.UTC(2026, 11, 1, 10, 31));
    expect(window.closedUntil).toBe(Date.UTC(2026, 11, 2, 10, 25));
    expect(window.closedUntil).toBeLessThanOrEqual(now - ROLLUP_GRACE_MS);
    expect(window.rollUpFrom).toBe(Date.UTC(2026, 11, 1, 10, 25));
    const hourly = activityWindow(now, 48 * 60 * MINUTE, 60 * MINUTE);
    expect(hourly.until).toBe(Date.UTC(2026, 11, 2, 11));
    expect(hourly.until - hourly.from).toBe(24 * 60 * MINUTE);
  });
});

describe("enrichment spend days", () => {
  it("cuts the firm's own days, today last, a DST day 25 hours long", () => {
    // 2026-11-01 is the end of daylight time in Los Angeles.
    const now = Date.UTC(2026, 10, 2, 20); // 12:00 on Nov 2 in Los Angeles
    const days = spendDays(now, "America/Los_Angeles", 3);
    expect(days.map((d) => d.date)).toEqual(["2026-10-31", "2026-11-01", "2026-11-02"]);
    expect(days[0]?.start).toBe(Date.UTC(2026, 9, 31, 7));
    expect((days[1]?.end ?? 0) - (days[1]?.start ?? 0)).toBe(25 * 60 * MINUTE);
    expect(days[1]?.end).toBe(days[2]?.start);
    expect(monthsOf(days)).toEqual(["2026-10", "2026-11"]);
  });

  it("falls back to UTC days for an unknown zone", () => {
    const days = spendDays(Date.UTC(2026, 11, 2, 23, 59), "Mars/Olympus", 1);
    expect(days).toEqual([{ date: "2026-12-02", start: Date.UTC(2026, 11, 2), end: Date.UTC(2026, 11, 3) }]);
  });
});
