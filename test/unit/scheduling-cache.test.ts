import { describe, expect, it } from "vitest";
import type { Slot } from "../../src/domain/scheduling/slots.js";
import { AvailabilityCache } from "../../src/integrations/scheduling/availability-cache.js";

const slot = (h: number): Slot => ({ start: h * 3_600_000, end: h * 3_600_000 + 1_800_000 });

function loader(answers: Slot[][]) {
  let calls = 0;
  return {
    load: () => Promise.resolve(answers[Math.min(calls++, answers.length - 1)] as Slot[]),
    calls: () => calls,
  };
}

describe("availability cache", () => {
  it("answers from memory within the TTL and shares one load between concurrent misses", async () => {
    let now = 0;
    const cache = new AvailabilityCache(30_000, () => now);
    const source = loader([[slot(9)]]);
    const [a, b] = await Promise.all([
      cache.get("ten_a", "w", source.load),
      cache.get("ten_a", "w", source.load),
    ]);
    expect(a).toEqual([slot(9)]);
    expect(b).toEqual([slot(9)]);
    now = 10_000;
    await cache.get("ten_a", "w", source.load);
    expect(source.calls()).toBe(1);
  });

  it("past half its life an entry is served while a fresh copy loads; past the TTL it is loaded again", async () => {
    let now = 0;
    const cache = new AvailabilityCache(30_000, () => now);
    const source = loader([[slot(9)], [slot(10)], [slot(11)]]);
    await cache.get("ten_a", "w", source.load);
    now = 16_000;
    expect(await cache.get("ten_a", "w", source.load)).toEqual([slot(9)]);
    await Promise.resolve();
    expect(await cache.get("ten_a", "w", source.load)).toEqual([slot(10)]);
    expect(source.calls()).toBe(2);
    now = 16_000 + 30_000;
    expect(await cache.get("ten_a", "w", source.load)).toEqual([slot(11)]);
  });

  it("a booking we made takes its slot out of the tenant's windows; an invalidation forgets them", async () => {
    const cache = new AvailabilityCache(30_000, () => 0);
    const source = loader([[slot(9), slot(10), slot(11)], [slot(9)]]);
    const other = loader([[slot(10)]]);
    await cache.get("ten_a", "w", source.load);
    await cache.get("ten_b", "w", other.load);
    cache.taken("ten_a", slot(10).start, slot(10).end);
    expect(await cache.get("ten_a", "w", source.load)).toEqual([slot(9), slot(11)]);
    expect(await cache.get("ten_b", "w", other.load)).toEqual([slot(10)]);
    cache.invalidate("ten_a");
    expect(await cache.get("ten_a", "w", source.load)).toEqual([slot(9)]);
    expect(source.calls()).toBe(2);
  });

  it("does not remember a failed load", async () => {
    const cache = new AvailabilityCache(30_000, () => 0);
    await expect(cache.get("ten_a", "w", () => Promise.reject(new Error("Cal.com down")))).rejects.toThrow(
      "down",
    );
    expect(await cache.get("ten_a", "w", () => Promise.resolve([slot(9)]))).toEqual([slot(9)]);
  });
});
