/**
 * Paces one CRM connection's requests within this process (pushes, pulls and initial syncs share
 * it), so the engine stays under the CRM's rate limit instead of meeting it again and again:
 *
 * - it starts at the rate it is given (null: unpaced; the engine starts every connection unpaced);
 * - a 429 pauses every request of the connection until its Retry-After, and sets the pace to
 *   {@link SAFETY} of the requests the CRM accepted in the second before it (what its limit let
 *   through, plus the burst its bucket held: the first second overstates the rate);
 * - a pace learned from a 429 is forgotten after {@link FORGET_AFTER_MS} without another one, so a
 *   CRM that raised its limit (or a one-off burst) does not slow the connection for good.
 *
 * Requests are spaced evenly (one every 1/rate s) rather than sent in bursts: a CRM's token bucket
 * then never empties.
 */
export class CrmPacer {
  private learned: number | null = null;
  private learnedAt = 0;
  private nextAt = 0;
  private pausedUntil = 0;
  /** When accepted requests were answered, the last second's worth (oldest first). */
  private readonly accepted: number[] = [];

  constructor(
    private readonly published: number | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests per second this connection is paced at now; null when unpaced. */
  get rate(): number | null {
    if (this.learned !== null && this.now() - this.learnedAt > FORGET_AFTER_MS) this.learned = null;
    return this.learned ?? this.published;
  }

  /** Waits for this request's turn. */
  async acquire(): Promise<void> {
    for (;;) {
      const now = this.now();
      const rate = this.rate;
      const at = Math.max(now, this.pausedUntil, rate === null ? 0 : this.nextAt);
      if (rate !== null) this.nextAt = at + 1000 / rate;
      if (at <= now) return;
      await new Promise((resolve) => setTimeout(resolve, at - now));
      // A 429 seen meanwhile moved the pause past the slot taken: wait again.
      if (this.pausedUntil <= this.now()) return;
    }
  }

  /** The CRM accepted a request (any answer but 429). */
  answered(): void {
    const now = this.now();
    this.accepted.push(now);
    while (this.accepted.length > 0 && (this.accepted[0] as number) < now - 1000) this.accepted.shift();
    // Bounded: only the last second is ever read.
    if (this.accepted.length > MAX_REMEMBERED) this.accepted.splice(0, this.accepted.length - MAX_REMEMBERED);
  }

  /** The CRM answered 429: pause until its Retry-After (1 s when it gave none) and slow down. */
  limited(retryAfterMs: number | null): void {
    const now = this.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + (retryAfterMs ?? 1000));
    // Requests already in flight answer 429 too: only the first of a pause learns a rate.
    if (this.learned !== null && now - this.learnedAt < 1000) return;
    const recent = this.accepted.filter((at) => at >= now - 1000).length;
    const current = this.rate ?? Number.POSITIVE_INFINITY;
    this.learned = Math.max(MIN_RATE, Math.min(current, recent) * SAFETY);
    this.learnedAt = now;
    this.nextAt = this.pausedUntil;
  }
}

/** A learned pace is dropped after this long without a 429 (10 minutes). */
export const FORGET_AFTER_MS = 600_000;
/**
 * Share of the accepted rate kept after a 429. 0.85 still met a 429 after the pause against the
 * LawRuler fake limited to 10/s (the second before the first 429 included the fake's full bucket,
 * and on a loaded machine requests reach the CRM bunched); 0.7 leaves room for both.
 */
const SAFETY = 0.7;
/** Never slower than one request every two seconds. */
const MIN_RATE = 0.5;
const MAX_REMEMBERED = 10_000;
