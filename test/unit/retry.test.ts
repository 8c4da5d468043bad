import { describe, expect, it } from "vitest";
import {
  describeRetryPolicy,
  MAX_RETRY_AFTER_MS,
  nextAttemptAt,
  parseRetryAfter,
  validateRetryPolicy,
} from "../../src/domain/retry.js";
import type { RetryPolicy } from "../../src/domain/webhook.js";

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const noJitter = () => 0.5;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Walks a policy without jitter: each attempt happens exactly when scheduled. Returns attempt times. */
function simulate(policy: RetryPolicy, limit = 1000): number[] {
  const times = [T0];
  while (times.length < limit) {
    const next = nextAttemptAt(policy, {
      attemptsMade: times.length,
      firstAttemptAt: T0,
      now: times[times.length - 1]!,
      random: noJitter,
    });
    if (next === null) break;
    times.push(next);
  }
  return times;
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => (t - times[i]!) / 1000);

describe("default (standard) schedule", () => {
  it("attempts now, then after 5 min, 30 min, 2 h and 24 h", () => {
    expect(nextAttemptAt({}, { attemptsMade: 0, firstAttemptAt: T0, now: T0, random: noJitter })).toBe(T0);
    const ctx = { firstAttemptAt: T0, now: T0, random: noJitter };
    expect(nextAttemptAt({}, { ...ctx, attemptsMade: 1 })).toBe(T0 + 5 * MIN);
    expect(nextAttemptAt({}, { ...ctx, attemptsMade: 2 })).toBe(T0 + 30 * MIN);
    expect(nextAttemptAt({}, { ...ctx, attemptsMade: 3 })).toBe(T0 + 2 * HOUR);
    expect(nextAttemptAt({}, { ...ctx, attemptsMade: 4 })).toBe(T0 + DAY);
  });

  it("marks the delivery failed (null) after the 5th attempt", () => {
    expect(nextAttemptAt({}, { attemptsMade: 5, firstAttemptAt: T0, now: T0, random: noJitter })).toBeNull();
    expect(nextAttemptAt({}, { attemptsMade: 6, firstAttemptAt: T0, now: T0, random: noJitter })).toBeNull();
    expect(simulate({})).toHaveLength(5);
    expect(simulate({ preset: "standard" })).toHaveLength(5);
  });

  it("measures the wait from now, not from the first attempt", () => {
    const now = T0 + 17 * MIN;
    expect(nextAttemptAt({}, { attemptsMade: 2, firstAttemptAt: T0, now, random: noJitter })).toBe(
      now + 30 * MIN,
    );
  });

  it("describes itself as 4 waits and 5 attempts", () => {
    expect(describeRetryPolicy({})).toEqual({
      preset: "standard",
      waits_s: [300, 1800, 7200, 86_400],
      max_attempts: 5,
      total_timeout_s: null,
    });
  });
});

describe("every_30m_for_7d preset", () => {
  const policy: RetryPolicy = { preset: "every_30m_for_7d" };

  it("retries every 30 minutes for 7 days: 337 attempts", () => {
    const times = simulate(policy);
    expect(times).toHaveLength(337);
    expect(new Set(gaps(times))).toEqual(new Set([1800]));
    expect(times[times.length - 1]! - T0).toBe(7 * DAY);
  });

  it("describes 336 half-hour waits", () => {
    const d = describeRetryPolicy(policy);
    expect(d.max_attempts).toBe(337);
    expect(d.waits_s).toHaveLength(336);
    expect(d.waits_s.every((w) => w === 1800)).toBe(true);
  });
});

describe("exponential preset", () => {
  it("doubles from 10 s for 10 attempts by default", () => {
    expect(gaps(simulate({ preset: "exponential" }))).toEqual([10, 20, 40, 80, 160, 320, 640, 1280, 2560]);
  });

  it("caps the wait at cap_s (default 6 h)", () => {
    const waits = describeRetryPolicy({ preset: "exponential", max_attempts: 20 }).waits_s;
    expect(waits).toHaveLength(19);
    expect(waits[10]).toBe(10_240);
    expect(waits[11]).toBe(20_480);
    expect(waits[12]).toBe(21_600);
    expect(waits[18]).toBe(21_600);
    expect(Math.max(...waits)).toBe(21_600);
  });

  it("uses custom base_s and cap_s", () => {
    expect(
      describeRetryPolicy({ preset: "exponential", base_s: 60, cap_s: 300, max_attempts: 6 }).waits_s,
    ).toEqual([60, 120, 240, 300, 300]);
  });

  it("stays capped for very large attempt numbers", () => {
    const policy: RetryPolicy = { preset: "exponential", max_attempts: 500 };
    expect(nextAttemptAt(policy, { attemptsMade: 499, firstAttemptAt: T0, now: T0, random: noJitter })).toBe(
      T0 + 6 * HOUR,
    );
  });
});

describe("custom schedule and max_attempts", () => {
  it("schedule replaces the preset's waits and sets attempts to its length + 1", () => {
    const times = simulate({ schedule: [1, 2, 3] });
    expect(gaps(times)).toEqual([1, 2, 3]);
    expect(describeRetryPolicy({ preset: "exponential", schedule: [7, 8] })).toEqual({
      preset: "custom",
      waits_s: [7, 8],
      max_attempts: 3,
      total_timeout_s: null,
    });
  });

  it("max_attempts caps the number of attempts", () => {
    expect(simulate({ max_attempts: 3 })).toHaveLength(3);
    expect(gaps(simulate({ schedule: [10, 20, 30, 40], max_attempts: 2 }))).toEqual([10]);
    expect(simulate({ max_attempts: 1 })).toHaveLength(1);
    expect(nextAttemptAt({ max_attempts: 1 }, { attemptsMade: 1, firstAttemptAt: T0, now: T0 })).toBeNull();
  });

  it("repeats the last wait when max_attempts exceeds the waits listed", () => {
    expect(gaps(simulate({ schedule: [10, 20], max_attempts: 5 }))).toEqual([10, 20, 20, 20]);
    expect(describeRetryPolicy({ max_attempts: 7 }).waits_s).toEqual([
      300, 1800, 7200, 86_400, 86_400, 86_400,
    ]);
  });

  it("treats an empty schedule as absent", () => {
    expect(describeRetryPolicy({ schedule: [] }).waits_s).toEqual([300, 1800, 7200, 86_400]);
  });
});

describe("total_timeout_s", () => {
  it("gives up when the next attempt would start after first attempt + total_timeout_s", () => {
    // Standard waits: attempts at 0, 5 min, 35 min, 2 h 35 min, ...
    const times = simulate({ total_timeout_s: 3 * 3600 });
    expect(times.map((t) => (t - T0) / MIN)).toEqual([0, 5, 35, 155]);
  });

  it("allows an attempt exactly at the deadline", () => {
    expect(simulate({ schedule: [60, 60], total_timeout_s: 120 })).toHaveLength(3);
    expect(simulate({ schedule: [60, 61], total_timeout_s: 120 })).toHaveLength(2);
  });

  it("cuts the 7-day preset short", () => {
    expect(simulate({ preset: "every_30m_for_7d", total_timeout_s: 86_400 })).toHaveLength(49);
  });

  it("applies to a Retry-After that would push past the deadline", () => {
    const ctx = { attemptsMade: 1, firstAttemptAt: T0, now: T0 + MIN, random: noJitter };
    expect(nextAttemptAt({ total_timeout_s: 3600 }, { ...ctx, retryAfterMs: 2 * HOUR })).toBeNull();
    expect(nextAttemptAt({ total_timeout_s: 3600 }, { ...ctx, retryAfterMs: 10 * MIN })).toBe(T0 + 11 * MIN);
  });
});

describe("jitter", () => {
  const ctx = { attemptsMade: 1, firstAttemptAt: T0, now: T0 };

  it("is ±10 % of the wait at the extremes of random()", () => {
    expect(nextAttemptAt({}, { ...ctx, random: () => 0 })).toBe(T0 + 270_000);
    expect(nextAttemptAt({}, { ...ctx, random: () => 0.999999999 })).toBe(T0 + 330_000);
    expect(nextAttemptAt({}, { ...ctx, random: () => 0.25 })).toBe(T0 + 285_000);
  });

  it("stays within ±10 % with the default random source", () => {
    for (let i = 0; i < 2000; i++) {
      const at = nextAttemptAt({}, { attemptsMade: 4, firstAttemptAt: T0, now: T0 })!;
      expect(at - T0).toBeGreaterThanOrEqual(0.9 * DAY);
      expect(at - T0).toBeLessThanOrEqual(1.1 * DAY);
    }
  });

  it("varies between calls with the default random source", () => {
    const values = new Set(
      Array.from({ length: 50 }, () => nextAttemptAt({}, { attemptsMade: 4, firstAttemptAt: T0, now: T0 })),
    );
    expect(values.size).toBeGreaterThan(1);
  });
});

describe("Retry-After", () => {
  const ctx = { attemptsMade: 1, firstAttemptAt: T0, now: T0, random: noJitter };

  it("is a floor: a longer Retry-After delays the attempt", () => {
    expect(nextAttemptAt({}, { ...ctx, retryAfterMs: 20 * MIN })).toBe(T0 + 20 * MIN);
  });

  it("does not shorten the scheduled wait", () => {
    expect(nextAttemptAt({}, { ...ctx, retryAfterMs: 10_000 })).toBe(T0 + 5 * MIN);
  });

  it("is not jittered below the requested wait", () => {
    expect(nextAttemptAt({ schedule: [1] }, { ...ctx, retryAfterMs: MIN, random: () => 0 })).toBe(T0 + MIN);
  });

  it("is capped at 24 hours", () => {
    expect(nextAttemptAt({}, { ...ctx, retryAfterMs: 7 * DAY })).toBe(T0 + MAX_RETRY_AFTER_MS);
    expect(MAX_RETRY_AFTER_MS).toBe(DAY);
  });

  it("does not grant attempts beyond max_attempts", () => {
    expect(nextAttemptAt({}, { ...ctx, attemptsMade: 5, retryAfterMs: 1000 })).toBeNull();
  });

  it("ignores negative and non-finite values", () => {
    expect(nextAttemptAt({}, { ...ctx, retryAfterMs: -5000 })).toBe(T0 + 5 * MIN);
    expect(nextAttemptAt({}, { ...ctx, retryAfterMs: Number.NaN })).toBe(T0 + 5 * MIN);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2015, 9, 21, 7, 28, 0);

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });

  it("turns a negative delay into 0", () => {
    expect(parseRetryAfter("-30", now)).toBe(0);
  });

  it("reads an IMF-fixdate relative to now", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:30:00 GMT", now)).toBe(120_000);
  });

  it("reads the obsolete RFC 850 and asctime date forms", () => {
    const later = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", later - 5000)).toBe(5000);
    expect(parseRetryAfter("Sun Nov  6 08:49:37 1994", later - 5000)).toBe(5000);
  });

  it("turns a date in the past into 0", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now)).toBe(0);
  });

  it("returns undefined for a missing or invalid header", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("foo 2", now)).toBeUndefined();
    expect(parseRetryAfter("12abc", now)).toBeUndefined();
    expect(parseRetryAfter("Wed, 21 Foo 2015 07:30:00 GMT", now)).toBeUndefined();
    expect(parseRetryAfter("2015-10-21T07:30:00Z", now)).toBeUndefined();
  });
});

describe("validateRetryPolicy", () => {
  it("accepts empty, preset and fully specified policies", () => {
    expect(validateRetryPolicy({})).toBeNull();
    expect(validateRetryPolicy({ preset: "every_30m_for_7d" })).toBeNull();
    expect(
      validateRetryPolicy({ schedule: [1, 604_800], max_attempts: 500, total_timeout_s: 2_592_000 }),
    ).toBeNull();
    expect(validateRetryPolicy({ preset: "exponential", base_s: 5, cap_s: 5 })).toBeNull();
    expect(validateRetryPolicy({ schedule: Array.from({ length: 50 }, () => 60) })).toBeNull();
  });

  it("rejects schedule entries that are not integers from 1 to 604800", () => {
    expect(validateRetryPolicy({ schedule: [0] })).toMatch(/retry\.schedule\[0\]/);
    expect(validateRetryPolicy({ schedule: [60, 1.5] })).toMatch(/retry\.schedule\[1\]/);
    expect(validateRetryPolicy({ schedule: [604_801] })).toMatch(/604800/);
    expect(validateRetryPolicy({ schedule: [-1] })).not.toBeNull();
  });

  it("rejects more than 50 schedule entries and an empty schedule", () => {
    expect(validateRetryPolicy({ schedule: Array.from({ length: 51 }, () => 60) })).toMatch(/50/);
    expect(validateRetryPolicy({ schedule: [] })).toMatch(/retry\.schedule/);
  });

  it("rejects max_attempts outside 1..500", () => {
    expect(validateRetryPolicy({ max_attempts: 0 })).toMatch(/max_attempts/);
    expect(validateRetryPolicy({ max_attempts: 501 })).toMatch(/max_attempts/);
    expect(validateRetryPolicy({ max_attempts: 2.5 })).toMatch(/max_attempts/);
  });

  it("rejects total_timeout_s outside 1..2592000", () => {
    expect(validateRetryPolicy({ total_timeout_s: 0 })).toMatch(/total_timeout_s/);
    expect(validateRetryPolicy({ total_timeout_s: 2_592_001 })).toMatch(/total_timeout_s/);
  });

  it("rejects non-positive base_s/cap_s and a cap below the base", () => {
    expect(validateRetryPolicy({ preset: "exponential", base_s: 0 })).toMatch(/base_s/);
    expect(validateRetryPolicy({ preset: "exponential", cap_s: -1 })).toMatch(/cap_s/);
    expect(validateRetryPolicy({ preset: "exponential", base_s: 60, cap_s: 30 })).toMatch(/cap_s.*base_s/);
  });

  it("rejects base_s/cap_s on other presets and unknown presets", () => {
    expect(validateRetryPolicy({ base_s: 5 })).toMatch(/exponential/);
    expect(validateRetryPolicy({ preset: "hourly" } as unknown as RetryPolicy)).toMatch(/preset/);
  });
});
