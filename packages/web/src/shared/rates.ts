/** One sample of counters (totals) at a time. */
export interface CounterSample {
  at: number;
  counters: Record<string, number>;
}

/**
 * Per-second rate of each counter between two samples. A counter that went down (a service restarted) or is
 * missing from either sample has no rate (`null`); so has every counter when no time passed.
 */
export function ratesBetween(before: CounterSample | undefined, after: CounterSample): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const seconds = before ? (after.at - before.at) / 1000 : 0;
  for (const [name, value] of Object.entries(after.counters)) {
    const prev = before?.counters[name];
    out[name] = prev === undefined || seconds <= 0 || value < prev ? null : (value - prev) / seconds;
  }
  return out;
}
