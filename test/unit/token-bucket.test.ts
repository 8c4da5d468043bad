import { describe, expect, it } from "vitest";
import {
  capacityOf,
  fullBucket,
  msUntilToken,
  refill,
  type TokenBucket,
  take,
} from "../../src/domain/token-bucket.js";

const T0 = 1_700_000_000_000;

/** Takes tokens at `now` until none is left; returns how many were taken. */
function drain(bucket: TokenBucket, rate: number, now: number): { taken: number; bucket: TokenBucket } {
  let taken = 0;
  let current = bucket;
  for (;;) {
    const after = take(current, rate, now);
    if (after === null) return { taken, bucket: current };
    current = after;
    taken++;
  }
}

describe("token bucket", () => {
  it("starts full: a burst of one second's worth goes at once, then it waits", () => {
    const { taken, bucket } = drain(fullBucket(4, T0), 4, T0);
    expect(taken).toBe(4);
    expect(msUntilToken(bucket, 4, T0)).toBe(250);
  });

  it("adds tokens at the rate: one every 1000/rate ms", () => {
    const empty = drain(fullBucket(4, T0), 4, T0).bucket;
    expect(take(empty, 4, T0 + 249)).toBeNull();
    const after = take(empty, 4, T0 + 250);
    expect(after).not.toBeNull();
    expect(take(after as TokenBucket, 4, T0 + 250)).toBeNull();
  });

  it("never holds more than its capacity, however long it was idle", () => {
    const empty = drain(fullBucket(10, T0), 10, T0).bucket;
    const day = 86_400_000;
    expect(refill(empty, 10, T0 + day).tokens).toBe(10);
    expect(drain(empty, 10, T0 + day).taken).toBe(10);
  });

  it("keeps a fractional rate sending: capacity is at least one token", () => {
    expect(capacityOf(0.5)).toBe(1);
    const { taken, bucket } = drain(fullBucket(0.5, T0), 0.5, T0);
    expect(taken).toBe(1);
    expect(msUntilToken(bucket, 0.5, T0)).toBe(2_000);
    expect(take(bucket, 0.5, T0 + 1_999)).toBeNull();
    expect(take(bucket, 0.5, T0 + 2_000)).not.toBeNull();
  });

  it("keeps the fraction of a token between takes (a rate of 2.5 gives 5 tokens in 2 s after the burst)", () => {
    let bucket = drain(fullBucket(2.5, T0), 2.5, T0).bucket;
    let taken = 0;
    for (let now = T0; now <= T0 + 2_000; now += 10) {
      const result = drain(bucket, 2.5, now);
      bucket = result.bucket;
      taken += result.taken;
    }
    expect(taken).toBe(5);
  });

  it("never sends at a zero rate and says no token ever comes", () => {
    expect(capacityOf(0)).toBe(0);
    const bucket = fullBucket(0, T0);
    expect(take(bucket, 0, T0 + 3_600_000)).toBeNull();
    expect(msUntilToken(bucket, 0, T0)).toBe(Number.POSITIVE_INFINITY);
  });

  it("adds nothing when the clock goes backwards, and does not count the time twice afterwards", () => {
    const empty = drain(fullBucket(1, T0), 1, T0).bucket;
    const back = refill(empty, 1, T0 - 5_000);
    expect(back.tokens).toBe(0);
    expect(back.at).toBe(T0);
    expect(take(back, 1, T0 + 999)).toBeNull();
    expect(take(back, 1, T0 + 1_000)).not.toBeNull();
  });

  it("trims the tokens to a lowered rate's capacity", () => {
    const full = fullBucket(100, T0);
    expect(refill(full, 2, T0).tokens).toBe(2);
    expect(drain(full, 2, T0).taken).toBe(2);
  });

  it("waits exactly long enough: a token is always there after msUntilToken", () => {
    for (const rate of [1, 3, 7, 0.3, 2.5, 10_000]) {
      let bucket = fullBucket(rate, T0);
      let now = T0;
      for (let i = 0; i < 50; i++) {
        now += msUntilToken(bucket, rate, now);
        const after = take(bucket, rate, now);
        expect(after, `rate ${rate}, take ${i}`).not.toBeNull();
        bucket = after as TokenBucket;
      }
    }
  });

  it("does not change the bucket it is given", () => {
    const bucket = fullBucket(3, T0);
    take(bucket, 3, T0 + 500);
    refill(bucket, 3, T0 + 500);
    expect(bucket).toEqual({ tokens: 3, at: T0 });
  });
});
