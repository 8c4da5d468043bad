/**
 * The numbers behind the delivery charts, decided without I/O: how attempts are counted per time
 * step by outcome, and how latency percentiles come out of the per-step histograms the store
 * returns (the store groups attempts by step, outcome and latency bucket, so a chart never reads
 * one row per attempt).
 */

/**
 * What an attempt came to: the endpoint answered with a success, answered with something else, or
 * never answered (timeout, refused connection, blocked destination).
 */
export type AttemptOutcomeKind = "succeeded" | "failed" | "errored";

export function outcomeOf(succeeded: boolean, answered: boolean): AttemptOutcomeKind {
  if (succeeded) return "succeeded";
  return answered ? "failed" : "errored";
}

/**
 * Upper bounds (exclusive, ms) of the latency buckets; the last bucket is everything above. Roughly
 * logarithmic, so p50 and p95 land in a bucket about as wide as a tenth to a half of their value,
 * and the exact min and max inside each bucket narrow the estimate further.
 */
export const LATENCY_BUCKET_BOUNDS: readonly number[] = [
  5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
];

/** The bucket index of a duration: what the store's CASE expression computes, for tests and docs. */
export function latencyBucketOf(durationMs: number): number {
  const index = LATENCY_BUCKET_BOUNDS.findIndex((bound) => durationMs < bound);
  return index === -1 ? LATENCY_BUCKET_BOUNDS.length : index;
}

/** Attempts of one step that fell in one latency bucket, with their exact extremes. */
export interface LatencyBucket {
  bucket: number;
  count: number;
  minMs: number;
  maxMs: number;
}

/**
 * The `q` quantile (0 < q ≤ 1) of the durations summarised by `buckets`, or null when there are
 * none. Rank by rank as the exact nearest-rank percentile would, then linear between the bucket's
 * own min and max: exact when a bucket holds one duration or all equal ones, otherwise off by at
 * most the spread inside that bucket.
 */
export function latencyQuantile(buckets: readonly LatencyBucket[], q: number): number | null {
  const sorted = [...buckets].filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of sorted) {
    if (seen + b.count >= rank) {
      if (b.count === 1) return b.minMs;
      const within = (rank - seen - 1) / (b.count - 1);
      return Math.round(b.minMs + within * (b.maxMs - b.minMs));
    }
    seen += b.count;
  }
  return sorted.at(-1)?.maxMs ?? null;
}

/** One row of the store's aggregate: attempts of one step, outcome and latency bucket. */
export interface ActivityCell {
  /** The step's start, epoch ms. */
  at: number;
  outcome: AttemptOutcomeKind;
  bucket: number;
  count: number;
  minMs: number;
  maxMs: number;
}

/** One step of the webhook's activity chart. */
export interface ActivityPoint {
  at: number;
  succeeded: number;
  failed: number;
  errored: number;
  /** Latency of the attempts that got an answer (succeeded or failed); null when none did. */
  p50Ms: number | null;
  p95Ms: number | null;
}

/**
 * Every step in [from, until), zeros where nothing happened, so a chart draws gaps as zero rather
 * than joining distant points. `from` and `until` are multiples of `stepMs`. A timeout's duration
 * is the timeout, not the endpoint's latency, so attempts without an answer are counted but left
 * out of the percentiles.
 */
export function activityPoints(
  cells: readonly ActivityCell[],
  from: number,
  until: number,
  stepMs: number,
): ActivityPoint[] {
  const byStep = new Map<number, ActivityCell[]>();
  for (const cell of cells) {
    const list = byStep.get(cell.at);
    if (list) list.push(cell);
    else byStep.set(cell.at, [cell]);
  }
  const points: ActivityPoint[] = [];
  for (let at = from; at < until; at += stepMs) {
    const stepCells = byStep.get(at) ?? [];
    const counts = { succeeded: 0, failed: 0, errored: 0 };
    const answered: LatencyBucket[] = [];
    for (const cell of stepCells) {
      counts[cell.outcome] += cell.count;
      if (cell.outcome !== "errored") answered.push(cell);
    }
    points.push({
      at,
      ...counts,
      p50Ms: latencyQuantile(mergeBuckets(answered), 0.5),
      p95Ms: latencyQuantile(mergeBuckets(answered), 0.95),
    });
  }
  return points;
}

/** Succeeded and failed cells of one bucket become one bucket (their durations are one population). */
function mergeBuckets(cells: readonly LatencyBucket[]): LatencyBucket[] {
  const merged = new Map<number, LatencyBucket>();
  for (const c of cells) {
    const known = merged.get(c.bucket);
    if (!known) merged.set(c.bucket, { bucket: c.bucket, count: c.count, minMs: c.minMs, maxMs: c.maxMs });
    else {
      known.count += c.count;
      known.minMs = Math.min(known.minMs, c.minMs);
      known.maxMs = Math.max(known.maxMs, c.maxMs);
    }
  }
  return [...merged.values()];
}

const MINUTE_MS = 60_000;
/** The longest window a chart shows; minutes older than this are not kept rolled up. */
export const MAX_ACTIVITY_SPAN_MS = 24 * 60 * MINUTE_MS;
/**
 * A minute is rolled up once it ended this long ago. An attempt is recorded when it finishes
 * (timeout at most 60 s, then the batch write), stamped with its start: five minutes leaves room
 * for both with the default 10 s lease. An attempt recorded later than that (a lease configured
 * over four minutes) would be missed by the roll-up, not counted twice.
 */
export const ROLLUP_GRACE_MS = 5 * MINUTE_MS;

export interface ActivityWindow {
  from: number;
  until: number;
  stepMs: number;
  /** Minutes before this are closed and read from the roll-up. */
  closedUntil: number;
  /** The oldest minute the roll-up keeps. */
  rollUpFrom: number;
}

/**
 * The window a chart covers: `spanMs` (at most a day) ending at the end of the step `now` falls
 * in, with the roll-up's bounds. `stepMs` is a whole number of minutes.
 */
export function activityWindow(now: number, spanMs: number, stepMs: number): ActivityWindow {
  const until = Math.floor(now / stepMs) * stepMs + stepMs;
  const closedUntil = Math.floor((now - ROLLUP_GRACE_MS) / MINUTE_MS) * MINUTE_MS;
  return {
    from: until - Math.min(spanMs, MAX_ACTIVITY_SPAN_MS),
    until,
    stepMs,
    closedUntil,
    rollUpFrom: closedUntil - MAX_ACTIVITY_SPAN_MS,
  };
}
