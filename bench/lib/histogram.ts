/**
 * A log-bucketed latency histogram: 1 % relative precision from 1 µs to hours in ~2 300 buckets,
 * so a million samples cost no more memory than a thousand. Quantiles report the bucket's upper
 * bound (never under-reports); the maximum is exact.
 */
const GROWTH = Math.log(1.01);
const MIN_MS = 0.001;
const BUCKETS = 2_400;

export interface LatencySummary {
  count: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  mean_ms: number;
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sum = 0;
  private max = 0;

  record(ms: number): void {
    const value = Math.max(ms, MIN_MS);
    const index = Math.min(BUCKETS - 1, Math.ceil(Math.log(value / MIN_MS) / GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  get count(): number {
    return this.total;
  }

  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.ceil(q * this.total);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(MIN_MS * Math.exp(i * GROWTH), this.max);
    }
    return this.max;
  }

  summary(): LatencySummary {
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      count: this.total,
      p50_ms: round(this.quantile(0.5)),
      p95_ms: round(this.quantile(0.95)),
      p99_ms: round(this.quantile(0.99)),
      max_ms: round(this.max),
      mean_ms: this.total === 0 ? Number.NaN : round(this.sum / this.total),
    };
  }
}
