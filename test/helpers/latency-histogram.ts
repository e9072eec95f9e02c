/**
 * Fixed-bucket latency histogram (1 ms buckets up to `maxMs`, one overflow bucket) for the
 * benchmarks: constant memory however many samples, exact to the millisecond.
 */
export class LatencyHistogram {
  private readonly buckets: Uint32Array;
  private total = 0;
  private sumMs = 0;
  private maxSeenMs = 0;
  private negatives = 0;

  constructor(private readonly maxMs = 120_000) {
    this.buckets = new Uint32Array(maxMs + 2);
  }

  add(ms: number): void {
    if (ms < 0) {
      // Clock skew between processes of one machine is sub-millisecond; count it as 0.
      this.negatives += 1;
      ms = 0;
    }
    const bucket = Math.min(this.maxMs + 1, Math.floor(ms));
    this.buckets[bucket]! += 1;
    this.total += 1;
    this.sumMs += ms;
    if (ms > this.maxSeenMs) this.maxSeenMs = ms;
  }

  get count(): number {
    return this.total;
  }

  percentile(p: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.ceil((p / 100) * this.total);
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return i;
    }
    return this.maxMs + 1;
  }

  summary(): { samples: number; p50Ms: number | null; p90Ms: number | null; p99Ms: number | null; maxMs: number; meanMs: number | null; negativeSamples: number } {
    return {
      samples: this.total,
      p50Ms: this.percentile(50),
      p90Ms: this.percentile(90),
      p99Ms: this.percentile(99),
      maxMs: Math.round(this.maxSeenMs),
      meanMs: this.total ? Math.round((this.sumMs / this.total) * 10) / 10 : null,
      negativeSamples: this.negatives,
    };
  }

  reset(): void {
    this.buckets.fill(0);
    this.total = 0;
    this.sumMs = 0;
    this.maxSeenMs = 0;
    this.negatives = 0;
  }
}
