import { describe, expect, it } from "vitest";
import {
  afterFailure,
  afterSuccess,
  backoffMs,
  DEFAULT_JOB_BACKOFF,
  isFinished,
  type JobBackoff,
  nextRunAt,
} from "../../src/domain/jobs.js";

const noJitter: JobBackoff = { baseMs: 1_000, capMs: 60_000, jitter: 0 };
const middle = () => 0.5;

describe("backoffMs", () => {
  it("doubles from the base with each failed attempt", () => {
    expect([1, 2, 3, 4].map((n) => backoffMs(n, noJitter, middle))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it("never waits longer than the cap, even for absurd attempt numbers", () => {
    expect(backoffMs(7, noJitter, middle)).toBe(60_000);
    expect(backoffMs(5_000, noJitter, middle)).toBe(60_000);
    expect(backoffMs(Number.MAX_SAFE_INTEGER, DEFAULT_JOB_BACKOFF, () => 0.999)).toBe(
      DEFAULT_JOB_BACKOFF.capMs,
    );
  });

  it("treats attempt 0 or below like the first attempt", () => {
    expect(backoffMs(0, noJitter, middle)).toBe(1_000);
    expect(backoffMs(-3, noJitter, middle)).toBe(1_000);
  });

  it("spreads waits by the jitter around the exponential value", () => {
    const backoff = { baseMs: 1_000, capMs: 60_000, jitter: 0.2 };
    expect(backoffMs(1, backoff, () => 0)).toBe(800);
    expect(backoffMs(1, backoff, () => 0.5)).toBe(1_000);
    expect(backoffMs(1, backoff, () => 0.999_999)).toBe(1_200);
  });

  it("keeps jittered waits within the cap", () => {
    const backoff = { baseMs: 1_000, capMs: 5_000, jitter: 0.5 };
    expect(backoffMs(10, backoff, () => 0.99)).toBe(5_000);
    expect(backoffMs(10, backoff, () => 0)).toBe(2_500);
  });

  it("survives a random source returning nonsense", () => {
    expect(backoffMs(1, { ...noJitter, jitter: 0.2 }, () => Number.NaN)).toBe(800);
    expect(backoffMs(1, { ...noJitter, jitter: 0.2 }, () => 7)).toBe(1_200);
    expect(backoffMs(1, { ...noJitter, jitter: 0.2 }, () => -1)).toBe(800);
  });
});

describe("nextRunAt", () => {
  const every = { every_ms: 600_000 };

  it("runs one interval after the occurrence that just ran", () => {
    expect(nextRunAt(every, 1_000_000, 1_000_500)).toBe(1_600_000);
  });

  it("keeps the schedule's phase however long the run took", () => {
    expect(nextRunAt(every, 1_000_000, 1_599_999)).toBe(1_600_000);
  });

  it("skips occurrences missed while nothing ran instead of running them back to back", () => {
    expect(nextRunAt(every, 1_000_000, 1_000_000 + 3 * 600_000 + 5)).toBe(1_000_000 + 4 * 600_000);
  });

  it("never schedules at the completion instant itself", () => {
    expect(nextRunAt(every, 1_000_000, 1_600_000)).toBe(2_200_000);
  });

  it("counts from the due time when completed early (a job run ahead of time)", () => {
    expect(nextRunAt(every, 2_000_000, 1_000_000)).toBe(2_600_000);
  });

  it("treats a zero or fractional interval as at least one millisecond", () => {
    expect(nextRunAt({ every_ms: 0 }, 10, 10)).toBe(11);
    expect(nextRunAt({ every_ms: 0.4 }, 10, 12)).toBe(13);
  });
});

describe("isFinished", () => {
  it("is true for succeeded, failed and cancelled jobs only", () => {
    expect(isFinished("succeeded")).toBe(true);
    expect(isFinished("failed")).toBe(true);
    expect(isFinished("cancelled")).toBe(true);
    expect(isFinished("queued")).toBe(false);
    expect(isFinished("running")).toBe(false);
  });
});

describe("afterSuccess", () => {
  it("finishes a one-off job", () => {
    expect(afterSuccess({ schedule: null, run_at: 5 }, 10)).toEqual({ state: "succeeded" });
  });

  it("queues a recurring job for its next occurrence", () => {
    expect(afterSuccess({ schedule: { every_ms: 100 }, run_at: 1_000 }, 1_050)).toEqual({
      state: "queued",
      run_at: 1_100,
    });
  });
});

describe("afterFailure", () => {
  const options = { permanent: false, backoff: noJitter, random: middle };
  const oneOff = { attempts: 1, max_attempts: 3, schedule: null, run_at: 0 };

  it("retries after the backoff of the attempt that failed while attempts remain", () => {
    expect(afterFailure(oneOff, 10_000, options)).toEqual({ state: "queued", run_at: 11_000, retry: true });
    expect(afterFailure({ ...oneOff, attempts: 2 }, 10_000, options)).toEqual({
      state: "queued",
      run_at: 12_000,
      retry: true,
    });
  });

  it("fails a one-off job on its last attempt", () => {
    expect(afterFailure({ ...oneOff, attempts: 3 }, 10_000, options)).toEqual({ state: "failed" });
    expect(afterFailure({ ...oneOff, attempts: 9 }, 10_000, options)).toEqual({ state: "failed" });
  });

  it("fails at once when the failure is permanent, attempts left or not", () => {
    expect(afterFailure(oneOff, 10_000, { ...options, permanent: true })).toEqual({ state: "failed" });
    expect(
      afterFailure({ ...oneOff, schedule: { every_ms: 1_000 } }, 10_000, { ...options, permanent: true }),
    ).toEqual({ state: "failed" });
  });

  it("moves a recurring job out of attempts on to its next occurrence instead of failing it", () => {
    const recurring = { attempts: 3, max_attempts: 3, schedule: { every_ms: 60_000 }, run_at: 0 };
    expect(afterFailure(recurring, 10_000, options)).toEqual({
      state: "queued",
      run_at: 60_000,
      retry: false,
    });
  });

  it("with one attempt allowed, never retries", () => {
    expect(afterFailure({ ...oneOff, max_attempts: 1 }, 10_000, options)).toEqual({ state: "failed" });
  });
});
