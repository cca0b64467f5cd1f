/**
 * Upper bounds (ms, inclusive) of the latency histogram the tracker keeps per endpoint and minute
 * (`endpoint_health_minutes.duration_histogram`). A histogram has `LATENCY_BUCKETS_MS.length + 1` counts; the
 * last one counts durations above the largest bound.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = [
  5, 10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 7_500, 10_000, 15_000, 30_000, 60_000,
];

/** The index of the bucket counting a duration of `ms`. */
export function latencyBucket(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

/** Element-wise sum of histograms (shorter ones count as zeros). */
export function mergeHistograms(histograms: readonly (readonly number[])[]): number[] {
  const sum = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const h of histograms) for (let i = 0; i < sum.length; i++) sum[i]! += h[i] ?? 0;
  return sum;
}

/**
 * The `q` quantile (0–1) of a histogram, interpolated linearly within its bucket (as Prometheus'
 * `histogram_quantile` does); the overflow bucket answers the largest bound. Null for an empty histogram.
 */
export function histogramQuantile(histogram: readonly number[], q: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < histogram.length; i++) {
    const count = histogram[i] ?? 0;
    if (count > 0 && seen + count >= rank) {
      if (i >= LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i]!;
      return Math.round(lower + ((upper - lower) * (rank - seen)) / count);
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}
