/**
 * A token bucket for a webhook's `rate_limit_per_s`, as pure arithmetic: every function takes
 * `now` and returns a new bucket; the timer that waits for the next token is the caller's.
 *
 * Tokens accrue at `ratePerS` up to one second's worth (a burst of at most `ratePerS` attempts),
 * but at least one token, so a rate below one per second still sends. A rate of zero (or less)
 * adds nothing: a bucket that is empty stays empty.
 */
export interface TokenBucket {
  /** Tokens available as of `at` (fractional between whole tokens). */
  readonly tokens: number;
  /** When `tokens` was last brought up to date. */
  readonly at: number;
}

/** How many tokens the bucket holds at most. */
export function capacityOf(ratePerS: number): number {
  return ratePerS > 0 ? Math.max(1, ratePerS) : 0;
}

/** A bucket that starts full, so a webhook's first attempts go at once. */
export function fullBucket(ratePerS: number, now: number): TokenBucket {
  return { tokens: capacityOf(ratePerS), at: now };
}

/**
 * The bucket as of `now`: what accrued since `at`, never above capacity however long it was idle.
 * A clock that went backwards (`now` < `at`) adds nothing and keeps `at`, so time is not counted
 * twice once it moves forward again. A lowered rate trims the tokens to its smaller capacity.
 */
export function refill(bucket: TokenBucket, ratePerS: number, now: number): TokenBucket {
  const capacity = capacityOf(ratePerS);
  const elapsed = now > bucket.at ? now - bucket.at : 0;
  const tokens = Math.min(capacity, bucket.tokens + (elapsed * Math.max(0, ratePerS)) / 1000);
  return { tokens, at: Math.max(bucket.at, now) };
}

/** Takes one token as of `now`: the bucket after it, or null when no whole token is there yet. */
export function take(bucket: TokenBucket, ratePerS: number, now: number): TokenBucket | null {
  const current = refill(bucket, ratePerS, now);
  return current.tokens >= 1 ? { tokens: current.tokens - 1, at: current.at } : null;
}

/**
 * Milliseconds from `now` until a whole token is there: 0 when one already is, Infinity when
 * none ever comes (a zero rate). Rounded up, so waiting that long always finds the token.
 */
export function msUntilToken(bucket: TokenBucket, ratePerS: number, now: number): number {
  const current = refill(bucket, ratePerS, now);
  if (current.tokens >= 1) return 0;
  if (ratePerS <= 0) return Number.POSITIVE_INFINITY;
  const wait = Math.ceil(((1 - current.tokens) * 1000) / ratePerS);
  // Rounding may leave the token a hair short of whole after exactly `wait` ms; one more ms fixes it.
  return refill(current, ratePerS, now + wait).tokens >= 1 ? wait : wait + 1;
}
